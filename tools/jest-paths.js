// Maps the tsconfig path aliases (@casegraph/*) to source files for jest.
const { compilerOptions } = require('../tsconfig.base.json');

function pathsToModuleNameMapper() {
  const mapper = {};
  for (const [alias, targets] of Object.entries(compilerOptions.paths)) {
    mapper[`^${alias.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`] = `<rootDir>/${targets[0]}`;
  }
  return mapper;
}

module.exports = { pathsToModuleNameMapper };
