// Lets a child process run the TypeScript sources directly (`node -r ./test/support/register-ts.js x.ts`),
// for tests that must kill or restart a real process.
const fs = require('node:fs');
const ts = require('typescript');
const { compilerOptions } = require('../../tsconfig.json');

require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
    fileName: filename,
    compilerOptions: { ...compilerOptions, module: 'commonjs', moduleResolution: 'node10', sourceMap: false, inlineSourceMap: true },
  });
  module._compile(outputText, filename);
};
