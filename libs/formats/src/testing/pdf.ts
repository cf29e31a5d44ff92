// Placeholder: replaced by its owner (see /work/14/DESIGN.md).
export {};
