import { readFileSync } from 'node:fs';
import { join } from 'node:path';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a plain-JS tool of the repo, run by npm as is
const { lintDockerfile } = require('./lint-dockerfile.js') as { lintDockerfile: (content: string) => string[] };

describe('npm run lint:docker (dockerfile-utils)', () => {
  it('finds the mistakes a reviewer would: a second CMD, an unknown instruction, a FROM without an image', () => {
    const problems = lintDockerfile(
      ['FROM node:22-slim', 'RUN echo hi', 'EXPOSE 99999', 'CMD ["node"]', 'CMD ["node", "x.js"]', 'RUNN ls', ''].join('\n'),
    );
    expect(problems).toEqual(
      expect.arrayContaining([expect.stringMatching(/^4:1 warning There can only be one CMD/), expect.stringMatching(/^6:1 error .*RUNN/i)]),
    );
    expect(lintDockerfile('FROM\n').length).toBeGreaterThan(0);
  });

  it("has nothing to say about the project's Dockerfile", () => {
    expect(lintDockerfile(readFileSync(join(__dirname, '..', 'docker', 'Dockerfile'), 'utf8'))).toEqual([]);
  });
});
