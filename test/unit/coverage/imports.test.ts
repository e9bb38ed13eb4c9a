import { describe, expect, it } from 'vitest';
import { pythonImports, scriptImports } from '../../../src/coverage/imports.ts';

describe('pythonImports', () => {
  it('reads import and from-import lines, relative dots, aliases and parenthesised lists', () => {
    const text = [
      'import os, venv.helpers as h',
      'from venv import vuln, other as o  # comment',
      'from . import sibling',
      'from ..pkg.mod import (',
      '    a,  # first',
      '    b,',
      ')',
      'from x import *',
      '    import indented',
      'text = "import nothing"',
    ].join('\n');
    expect(pythonImports(text)).toEqual([
      { dots: 2, names: ['pkg.mod', 'pkg.mod.a', 'pkg.mod.b'] },
      { dots: 0, names: ['venv', 'venv.vuln', 'venv.other'] },
      { dots: 1, names: ['sibling'] },
      { dots: 0, names: ['x'] },
      { dots: 0, names: ['os', 'venv.helpers'] },
      { dots: 0, names: ['indented'] },
    ]);
  });
});

describe('scriptImports', () => {
  it('keeps relative specifiers of import, export, require and dynamic import; drops package names', () => {
    const text = [
      "import a from './node_modules/a/index.js';",
      "import './side-effect';",
      "export { b } from '../lib/b';",
      "const c = require('./node_modules/c');",
      "const d = await import('../d.mjs');",
      "import lodash from 'lodash';",
      "const e = require('express');",
    ].join('\n');
    expect(scriptImports(text).sort()).toEqual(
      ['../d.mjs', '../lib/b', './node_modules/a/index.js', './node_modules/c', './side-effect'].sort(),
    );
  });
});
