export * from './docx';
export * from './mail';
export * from './zip';
export * from './tiff';
export * from './pdf';
export * from './production';
export * from './font';
