// Lints snippets of code as if they lived at given paths, with the repository's real
// eslint.config.mjs, and prints the messages as JSON. Used by boundaries.spec.ts: the
// ESLint Node API loads its flat config with import(), which jest's CommonJS sandbox
// cannot run, so the spec runs this in a plain Node process.
//
//   stdin:  [{ "filePath": "apps/x/src/y.ts", "code": "import ..." }, ...]
//   stdout: [[{ "ruleId": "...", "message": "..." }, ...], ...]   (one list per case)
//
// Only the rules in argv (default: all) are run, and type information is switched off:
// the snippets are not on disk, so the TypeScript project service cannot see them.
import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';

const cwd = fileURLToPath(new URL('../..', import.meta.url));
const rules = process.argv.slice(2);
const cases = JSON.parse(readFileSync(0, 'utf8'));

const eslint = new ESLint({
  cwd,
  ruleFilter: ({ ruleId }) => rules.length === 0 || rules.includes(ruleId),
  overrideConfig: { files: ['**/*.ts'], languageOptions: { parserOptions: { projectService: false, project: null } } },
});

const out = [];
for (const { filePath, code } of cases) {
  const [result] = await eslint.lintText(code, { filePath, warnIgnored: true });
  out.push(result.messages.map(({ ruleId, message, line }) => ({ ruleId, message, line })));
}
process.stdout.write(JSON.stringify(out));
