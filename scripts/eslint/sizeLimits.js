/*
 * Size limits shared by every package's ESLint config: files of one concern
 * (at most 400 lines) and functions that fit on a screen (at most 80 lines).
 * The limits hold for a package's source (`src/`). Tests, test utilities and
 * generated code are exempt: their length follows the cases they cover or the
 * schema they are generated from; so are files outside `src/` (benchmarks,
 * migrations), which are scripts rather than modules.
 */
const countedLines = { skipBlankLines: true, skipComments: true };

module.exports = {
  rules: {
    'max-lines': ['error', { max: 400, ...countedLines }],
    'max-lines-per-function': ['error', { max: 80, ...countedLines }],
  },
  overrides: [
    {
      files: [
        '**/*.test.*',
        '**/*.stories.*',
        '**/__testUtils__/**',
        '**/__mocks__/**',
        '**/src/setupTests.*',
        '**/src/**/generated/**',
        '!src/**',
      ],
      rules: {
        'max-lines': 'off',
        'max-lines-per-function': 'off',
      },
    },
  ],
};
