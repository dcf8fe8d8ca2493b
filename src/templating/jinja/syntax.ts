/**
 * Jinja2 syntax and evaluation rules that nunjucks' lexer, parser and compiler get wrong, fixed
 * by replacing single methods of their prototypes (installed once per process by ./index.ts).
 * Every replaced method keeps nunjucks' node positions, so errors still carry line and column.
 *
 * Lexer: `}}` closing a dict literal inside a tag is two braces, not the end of the tag.
 * Parser: trailing commas in calls and literals; `(a, b)` tuples; slices `[a:b:c]`; `*args` /
 *   `**kwargs` in calls; `for x in items if cond` loop filters; tests with an argument
 *   (`is divisibleby 3`, `is sameas none`); float literals stay floats (`2.0`).
 * Compiler: Python operators and truthiness (`and`/`or` return an operand), `==` on containers,
 *   `in`; `True`/`False`/`None`; dict literals with expression keys; `set` scoped to its loop,
 *   `set ns.attr`, `set a, b = pair`; loops over dicts (keys), strings and iterables with the
 *   full `loop` object; macros with `varargs`, `kwargs` and `return()`.
 * Reference: jinja.palletsprojects.com/en/3.1.x/templates/
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
import nunjucks from 'nunjucks';

type Any = any;

const n = nunjucks as Any;
const nodes = n.nodes;
const lexer = n.lexer;
const Parser = n.parser.Parser;
const Compiler = n.compiler.Compiler;
const Frame = n.runtime.Frame;

/** `seq[start:stop:step]` (any part may be missing). */
const Slice = nodes.Node.extend('Slice', { fields: ['start', 'stop', 'step'] });
/** `*items` / `**mapping` in a call's arguments. */
const Splat = nodes.Node.extend('Splat', { fields: ['target', 'double'] });
/** Python truthiness of an expression (conditions of if, not, inline if, loop filters). */
const Truthy = nodes.Node.extend('Truthy', { fields: ['target'] });
const OWN_NODES = [Slice, Splat, Truthy];

const CLOSERS = new Set([lexer.TOKEN_RIGHT_PAREN, lexer.TOKEN_RIGHT_BRACKET, lexer.TOKEN_RIGHT_CURLY]);
/** Words after `is <test>` that end the test instead of being its argument. */
const NOT_AN_ARGUMENT = new Set(['and', 'or', 'else', 'if', 'in', 'is', 'not', 'recursive']);

/** Python's escapes in string literals; others (`\\d`) keep their backslash, as in Python. */
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v', '\n': '' };

function installLexer(): void {
  const Tokenizer = lexer.lex('').constructor;
  Tokenizer.prototype._parseString = function parseString(this: Any, delimiter: string): string {
    this.forward();
    let text = '';
    while (!this.isFinished() && this.current() !== delimiter) {
      const ch = this.current();
      if (ch !== '\\') {
        text += ch;
        this.forward();
        continue;
      }
      this.forward();
      const next = this.current();
      const hex = next === 'x' ? 2 : next === 'u' ? 4 : next === 'U' ? 8 : 0;
      const digits = hex ? this.str.slice(this.index + 1, this.index + 1 + hex) : '';
      if (hex && new RegExp(`^[0-9a-fA-F]{${hex}}$`).test(digits)) {
        text += String.fromCodePoint(parseInt(digits, 16));
        this.forwardN(hex + 1);
      } else if (Object.prototype.hasOwnProperty.call(ESCAPES, next)) {
        text += ESCAPES[next];
        this.forward();
      } else {
        text += `\\${next}`;
        this.forward();
      }
    }
    this.forward();
    return text;
  };
  const original = Tokenizer.prototype.nextToken;
  Tokenizer.prototype.nextToken = function nextToken(this: Any): Any {
    // Inside a tag, a `}` that closes an open `{` is a brace even when `}}` follows.
    if (this.in_code && this.jinjaCurly > 0 && this.str.charAt(this.index) === '}') {
      const token = { type: lexer.TOKEN_RIGHT_CURLY, value: '}', lineno: this.lineno, colno: this.colno };
      this.forward();
      this.jinjaCurly--;
      return token;
    }
    let token = original.call(this);
    if (token && token.type === lexer.TOKEN_SYMBOL && /^\d/.test(token.value)) {
      // nunjucks reads `1e20` as a name: a float literal with an exponent, as in Python.
      let text = token.value;
      const sign = /^[-+]\d+/.exec(this.str.slice(this.index));
      if (/^\d+e$/i.test(text) && sign) {
        // `1e-5`: nunjucks stops the name at the sign.
        text += sign[0];
        this.forwardN(sign[0].length);
      }
      if (!/^\d+e[-+]?\d+$/i.test(text)) throw new Error(`unexpected token: ${token.value}`);
      token = { ...token, type: lexer.TOKEN_FLOAT, value: String(Number(text)) };
    } else if (token && token.type === lexer.TOKEN_FLOAT && /^[eE][-+]?\d/.test(this.str.slice(this.index))) {
      const exponent = /^[eE][-+]?\d+/.exec(this.str.slice(this.index))![0];
      this.forwardN(exponent.length);
      token = { ...token, value: String(Number(token.value + exponent)) };
    }
    if (token) {
      if (token.type === lexer.TOKEN_LEFT_CURLY) this.jinjaCurly = (this.jinjaCurly ?? 0) + 1;
      else if (token.type === lexer.TOKEN_RIGHT_CURLY) this.jinjaCurly = Math.max(0, (this.jinjaCurly ?? 0) - 1);
      else if (token.type === lexer.TOKEN_BLOCK_END || token.type === lexer.TOKEN_VARIABLE_END) this.jinjaCurly = 0;
    }
    return token;
  };
}

function installParser(): void {
  const proto = Parser.prototype;

  /** `(...)`, `[...]`, `{...}` with trailing commas; a parenthesised list with a comma is a tuple. */
  proto.parseAggregate = function parseAggregate(this: Any): Any {
    const tok = this.nextToken();
    let node: Any;
    if (tok.type === lexer.TOKEN_LEFT_PAREN) node = new nodes.Group(tok.lineno, tok.colno);
    else if (tok.type === lexer.TOKEN_LEFT_BRACKET) node = new nodes.Array(tok.lineno, tok.colno);
    else if (tok.type === lexer.TOKEN_LEFT_CURLY) node = new nodes.Dict(tok.lineno, tok.colno);
    else return null;
    let comma = false;
    for (;;) {
      if (CLOSERS.has(this.peekToken().type)) {
        this.nextToken();
        break;
      }
      if (node.children.length > 0) {
        if (!this.skip(lexer.TOKEN_COMMA)) this.fail('parseAggregate: expected comma after expression', tok.lineno, tok.colno);
        comma = true;
        if (CLOSERS.has(this.peekToken().type)) {
          this.nextToken();
          break;
        }
      }
      if (node instanceof nodes.Dict) {
        const key = this.parseExpression();
        if (!this.skip(lexer.TOKEN_COLON)) this.fail('parseAggregate: expected colon after dict key', tok.lineno, tok.colno);
        node.addChild(new nodes.Pair(key.lineno, key.colno, key, this.parseExpression()));
      } else node.addChild(this.parseExpression());
    }
    if (node instanceof nodes.Group && (comma || node.children.length === 0)) {
      const tuple = new nodes.Array(tok.lineno, tok.colno, node.children);
      tuple.isTuple = true;
      return tuple;
    }
    return node;
  };

  /** `[index]` or `[start:stop:step]` after an expression. */
  proto.parseSubscript = function parseSubscript(this: Any): Any {
    const open = this.nextToken();
    const parts: Any[] = [null, null, null];
    let at = 0;
    for (;;) {
      if (this.skip(lexer.TOKEN_RIGHT_BRACKET)) break;
      if (this.skip(lexer.TOKEN_COLON)) {
        at++;
        if (at > 2) this.fail('invalid slice: too many colons', open.lineno, open.colno);
        continue;
      }
      if (parts[at] !== null) this.fail('expected ] or : in subscript', open.lineno, open.colno);
      parts[at] = this.parseExpression();
    }
    if (at === 0) {
      if (parts[0] === null) this.fail('expected an index between [ and ]', open.lineno, open.colno);
      return parts[0];
    }
    return new Slice(open.lineno, open.colno, parts[0], parts[1], parts[2]);
  };

  proto.parsePostfix = function parsePostfix(this: Any, node: Any): Any {
    let tok = this.peekToken();
    while (tok) {
      if (tok.type === lexer.TOKEN_LEFT_PAREN) node = new nodes.FunCall(tok.lineno, tok.colno, node, this.parseSignature());
      else if (tok.type === lexer.TOKEN_LEFT_BRACKET) node = new nodes.LookupVal(tok.lineno, tok.colno, node, this.parseSubscript());
      else if (tok.type === lexer.TOKEN_OPERATOR && tok.value === '.') {
        this.nextToken();
        const name = this.nextToken();
        if (!name || (name.type !== lexer.TOKEN_SYMBOL && name.type !== lexer.TOKEN_INT)) {
          this.fail(`expected name as lookup value, got ${name ? name.value : 'end of file'}`, tok.lineno, tok.colno);
        }
        const key = name.type === lexer.TOKEN_INT ? Number(name.value) : name.value;
        node = new nodes.LookupVal(tok.lineno, tok.colno, node, new nodes.Literal(name.lineno, name.colno, key));
      } else break;
      tok = this.peekToken();
    }
    return node;
  };

  /** Call arguments: positional, `name=value`, `*items`, `**mapping`, with an optional trailing comma. */
  proto.parseSignature = function parseSignature(this: Any, tolerant: boolean, noParens: boolean): Any {
    let tok = this.peekToken();
    if (!noParens && tok.type !== lexer.TOKEN_LEFT_PAREN) {
      if (tolerant) return null;
      this.fail('expected arguments', tok.lineno, tok.colno);
    }
    if (tok.type === lexer.TOKEN_LEFT_PAREN) tok = this.nextToken();
    const args = new nodes.NodeList(tok.lineno, tok.colno);
    const kwargs = new nodes.KeywordArgs(tok.lineno, tok.colno);
    const ended = (): boolean => {
      const next = this.peekToken();
      if (!noParens && next.type === lexer.TOKEN_RIGHT_PAREN) {
        this.nextToken();
        return true;
      }
      return Boolean(noParens && next.type === lexer.TOKEN_BLOCK_END);
    };
    let first = true;
    while (!ended()) {
      if (!first) {
        const next = this.peekToken();
        if (!this.skip(lexer.TOKEN_COMMA)) this.fail('parseSignature: expected comma after expression', next.lineno, next.colno);
        if (ended()) break;
      }
      first = false;
      const star = this.peekToken();
      if (star.type === lexer.TOKEN_OPERATOR && (star.value === '*' || star.value === '**')) {
        this.nextToken();
        args.addChild(new Splat(star.lineno, star.colno, this.parseExpression(), star.value === '**'));
        continue;
      }
      const arg = this.parseExpression();
      if (this.skipValue(lexer.TOKEN_OPERATOR, '=')) kwargs.addChild(new nodes.Pair(arg.lineno, arg.colno, arg, this.parseExpression()));
      else args.addChild(arg);
    }
    if (kwargs.children.length) args.addChild(kwargs);
    return args;
  };

  const parsePrimary = proto.parsePrimary;
  proto.parsePrimary = function (this: Any, noPostfix: boolean): Any {
    const tok = this.peekToken();
    if (tok && tok.type === lexer.TOKEN_STRING) {
      // Adjacent string literals join, as in Python: "a" "b" is "ab".
      this.nextToken();
      let text = tok.value;
      while (this.peekToken()?.type === lexer.TOKEN_STRING) text += this.nextToken().value;
      const literal = new nodes.Literal(tok.lineno, tok.colno, text);
      return noPostfix ? literal : this.parsePostfix(literal);
    }
    const node = parsePrimary.call(this, noPostfix);
    if (tok && tok.type === lexer.TOKEN_FLOAT) {
      let literal = node;
      while (literal && !(literal instanceof nodes.Literal)) literal = literal.target ?? literal.name;
      if (literal) literal.pyFloat = true;
    }
    return node;
  };

  const parseFor = proto.parseFor;
  proto.parseFor = function (this: Any): Any {
    const node = parseFor.call(this);
    if (node.arr instanceof nodes.InlineIf) {
      // `for x in items if cond`: a loop filter, not an inline if.
      if (node.arr.else_) this.fail('a for loop filter (for x in items if cond) takes no else', node.arr.lineno, node.arr.colno);
      node.loopFilter = node.arr.cond;
      node.arr = node.arr.body;
    }
    return node;
  };

  /** `x is test`, `x is test(args)`, `x is test arg`, `x is not test`. */
  proto.parseIs = function parseIs(this: Any): Any {
    let node = this.parseCompare();
    if (!this.skipSymbol('is')) return node;
    const not = this.skipSymbol('not');
    const nameTok = this.nextToken();
    let name: string;
    if (nameTok && nameTok.type === lexer.TOKEN_SYMBOL) name = nameTok.value;
    else if (nameTok && nameTok.type === lexer.TOKEN_NONE) name = 'none';
    else if (nameTok && nameTok.type === lexer.TOKEN_BOOLEAN) name = nameTok.value;
    else if (nameTok && nameTok.type === lexer.TOKEN_OPERATOR && ['==', '!=', '<', '>', '<=', '>='].includes(nameTok.value)) name = nameTok.value;
    else return this.fail('expected a test name after "is"', nameTok?.lineno, nameTok?.colno);
    const next = this.peekToken();
    let args: Any = null;
    if (next && next.type === lexer.TOKEN_LEFT_PAREN) args = this.parseSignature();
    else if (
      next &&
      ([lexer.TOKEN_STRING, lexer.TOKEN_INT, lexer.TOKEN_FLOAT, lexer.TOKEN_BOOLEAN, lexer.TOKEN_NONE, lexer.TOKEN_LEFT_BRACKET, lexer.TOKEN_LEFT_CURLY].includes(next.type) ||
        (next.type === lexer.TOKEN_SYMBOL && !NOT_AN_ARGUMENT.has(next.value)))
    ) {
      args = new nodes.NodeList(next.lineno, next.colno, [this.parsePrimary()]);
    }
    const test = new nodes.Symbol(nameTok.lineno, nameTok.colno, name);
    node = new nodes.Is(node.lineno, node.colno, node, args ? new nodes.FunCall(nameTok.lineno, nameTok.colno, test, args) : test);
    return not ? new nodes.Not(node.lineno, node.colno, node) : node;
  };
}

/**
 * Emits `runtime.jinja.<helper>(a, b, ...)` over compiled child nodes, after setting the
 * position variables nunjucks reports errors with (as it does for calls).
 */
function emitHelper(compiler: Any, helper: string, frame: Any, at: Any, ...parts: Any[]): void {
  compiler._emit(`(lineno = ${at.lineno}, colno = ${at.colno}, runtime.jinja.${helper}(`);
  parts.forEach((part, i) => {
    if (i > 0) compiler._emit(', ');
    if (typeof part === 'string') compiler._emit(part);
    else compiler.compile(part, frame);
  });
  compiler._emit('))');
}

function installCompiler(): void {
  const proto = Compiler.prototype;

  const assertType = proto.assertType;
  proto.assertType = function (this: Any, node: Any, ...types: Any[]): void {
    if (OWN_NODES.some((type) => node instanceof type)) return;
    assertType.call(this, node, ...types);
  };

  const compileLiteral = proto.compileLiteral;
  proto.compileLiteral = function (this: Any, node: Any, frame: Any): void {
    if (node.pyFloat && Number.isInteger(node.value)) this._emit(`runtime.jinja.pyFloat(${node.value})`);
    else compileLiteral.call(this, node, frame);
  };

  const compileSymbol = proto.compileSymbol;
  const KEYWORDS: Record<string, string> = { True: 'true', False: 'false', None: 'null' };
  proto.compileSymbol = function (this: Any, node: Any, frame: Any): void {
    if (Object.prototype.hasOwnProperty.call(KEYWORDS, node.value) && !frame.lookup(node.value)) this._emit(KEYWORDS[node.value]);
    else compileSymbol.call(this, node, frame);
  };

  const compileArray = proto.compileArray;
  proto.compileArray = function (this: Any, node: Any, frame: Any): void {
    if (!node.isTuple) return compileArray.call(this, node, frame);
    this._emit('runtime.jinja.tuple(');
    compileArray.call(this, node, frame);
    this._emit(')');
  };

  // Dict literals: keys are expressions (`{name: 1}` uses the variable `name`, as in Python).
  const compileDict = proto.compileDict;
  proto.compileDict = function (this: Any, node: Any, frame: Any): void {
    if (node instanceof nodes.KeywordArgs) return compileDict.call(this, node, frame);
    this._emit('runtime.jinja.dict([');
    node.children.forEach((pair: Any, i: number) => {
      if (i > 0) this._emit(',');
      this._emit('[');
      this.compile(pair.key, frame);
      this._emit(',');
      this._compileExpression(pair.value, frame);
      this._emit(']');
    });
    this._emit('])');
  };

  proto.compileTruthy = function (this: Any, node: Any, frame: Any): void {
    emitHelper(this, 'truthy', frame, node, node.target);
  };
  proto.compileNot = function (this: Any, node: Any, frame: Any): void {
    this._emit('!');
    emitHelper(this, 'truthy', frame, node, node.target);
  };
  // `a and b` / `a or b` return an operand, as in Python; the slot keeps `a` for the one read after the test.
  proto.compileAnd = function (this: Any, node: Any, frame: Any): void {
    this._emit('(runtime.jinja.truthy(runtime.jinja.slot = ');
    this.compile(node.left, frame);
    this._emit(') ? ');
    this.compile(node.right, frame);
    this._emit(' : runtime.jinja.slot)');
  };
  proto.compileOr = function (this: Any, node: Any, frame: Any): void {
    this._emit('(runtime.jinja.truthy(runtime.jinja.slot = ');
    this.compile(node.left, frame);
    this._emit(') ? runtime.jinja.slot : ');
    this.compile(node.right, frame);
    this._emit(')');
  };
  proto.compileInlineIf = function (this: Any, node: Any, frame: Any): void {
    this._emit('(');
    emitHelper(this, 'truthy', frame, node, node.cond);
    this._emit(' ? ');
    this.compile(node.body, frame);
    this._emit(' : ');
    if (node.else_ !== null) this.compile(node.else_, frame);
    else this._emit('undefined');
    this._emit(')');
  };
  const compileIf = proto.compileIf;
  proto.compileIf = function (this: Any, node: Any, frame: Any, async: boolean): void {
    const cond = node.cond;
    node.cond = new Truthy(cond.lineno, cond.colno, cond);
    try {
      compileIf.call(this, node, frame, async);
    } finally {
      node.cond = cond;
    }
  };

  const binary: Record<string, string> = { Add: 'add', Sub: 'sub', Mul: 'mul', Div: 'div', FloorDiv: 'floorDiv', Mod: 'mod', Pow: 'pow', Concat: 'concat' };
  for (const [type, helper] of Object.entries(binary)) {
    proto[`compile${type}`] = function (this: Any, node: Any, frame: Any): void {
      emitHelper(this, helper, frame, node, node.left, node.right);
    };
  }
  proto.compileNeg = function (this: Any, node: Any, frame: Any): void {
    emitHelper(this, 'neg', frame, node, node.target);
  };
  proto.compilePos = function (this: Any, node: Any, frame: Any): void {
    emitHelper(this, 'pos', frame, node, node.target);
  };
  proto.compileIn = function (this: Any, node: Any, frame: Any): void {
    emitHelper(this, 'contains', frame, node, node.left, node.right);
  };
  proto.compileCompare = function (this: Any, node: Any, frame: Any): void {
    if (node.ops.length === 1) {
      emitHelper(this, 'compare', frame, node, node.expr, JSON.stringify(node.ops[0].type), node.ops[0].expr);
      return;
    }
    this._emit(`(lineno = ${node.lineno}, colno = ${node.colno}, runtime.jinja.compareChain([`);
    this.compile(node.expr, frame);
    for (const op of node.ops) {
      this._emit(',');
      this.compile(op.expr, frame);
    }
    this._emit(`], ${JSON.stringify(node.ops.map((op: Any) => op.type))}))`);
  };

  /** `x is name(args)`: the test `name` called with `x` and the arguments. */
  proto.compileIs = function (this: Any, node: Any, frame: Any): void {
    const right = node.right;
    const name = right instanceof nodes.FunCall ? right.name.value : right.value;
    this._emit(`(lineno = ${node.lineno}, colno = ${node.colno}, runtime.jinja.test(env, ${JSON.stringify(name)}, context, `);
    this.compile(node.left, frame);
    this._emit(', [');
    if (right instanceof nodes.FunCall) this._compileAggregate(right.args, frame);
    this._emit(']))');
  };

  proto.compileLookupVal = function (this: Any, node: Any, frame: Any): void {
    if (node.val instanceof Slice) {
      const part = (value: Any) => value ?? 'null';
      emitHelper(this, 'slice', frame, node, node.target, part(node.val.start), part(node.val.stop), part(node.val.step));
      return;
    }
    this._emit('runtime.memberLookup((');
    this._compileExpression(node.target, frame);
    this._emit('),');
    this._compileExpression(node.val, frame);
    this._emit(')');
  };
  proto.compileSlice = function (this: Any, node: Any): void {
    this.fail('a slice [a:b] is only allowed after a value, as in items[1:3]', node.lineno, node.colno);
  };
  proto.compileSplat = function (this: Any, node: Any, frame: Any): void {
    emitHelper(this, node.double ? 'kwsplat' : 'splat', frame, node, node.target);
  };

  // The name of a called expression, for "Unable to call" errors: nunjucks embeds a literal's text
  // unescaped in the generated code, so a multi-line string with a method call broke compiling.
  const getNodeName = proto._getNodeName;
  proto._getNodeName = function (this: Any, node: Any): string {
    if (node instanceof nodes.Literal) return String(node.value).replace(/[\\\n\r\u2028\u2029"]/g, ' ').slice(0, 40);
    return getNodeName.call(this, node);
  };

  const compileFilter = proto.compileFilter;
  proto.compileFilter = function (this: Any, node: Any, frame: Any): void {
    this._emit(`(lineno = ${node.lineno}, colno = ${node.colno}, `);
    compileFilter.call(this, node, frame);
    this._emit(')');
  };

  const compileFunCall = proto.compileFunCall;
  proto.compileFunCall = function (this: Any, node: Any, frame: Any): void {
    if (!node.args.children.some((arg: Any) => arg instanceof Splat)) return compileFunCall.call(this, node, frame);
    this._emit(`(lineno = ${node.lineno}, colno = ${node.colno}, runtime.callWrap(`);
    this._compileExpression(node.name, frame);
    this._emit(`, ${JSON.stringify(this._getNodeName(node.name))}, context, runtime.jinja.spreadArgs(`);
    this._compileAggregate(node.args, frame, '[', ']');
    this._emit(')))');
  };

  /** `{% set %}`: scoped to the enclosing loop or macro; `set ns.x = v`; `set a, b = pair`. */
  proto.compileSet = function (this: Any, node: Any, frame: Any): void {
    const targets = node.targets;
    const value = this._tmpid();
    this._emit(`var ${value} = `);
    if (node.value) this._compileExpression(node.value, frame);
    else this.compile(node.body, frame);
    this._emitLine(';');
    if (targets.length === 1 && targets[0] instanceof nodes.LookupVal) {
      const target = targets[0];
      this._emit(`lineno = ${node.lineno}; colno = ${node.colno}; runtime.jinja.setAttribute(`);
      this._compileExpression(target.target, frame);
      this._emit(', ');
      this._compileExpression(target.val, frame);
      this._emitLine(`, ${value});`);
      return;
    }
    if (targets.length > 1) this._emitLine(`lineno = ${node.lineno}; colno = ${node.colno}; ${value} = runtime.jinja.unpack(${value}, ${targets.length});`);
    targets.forEach((target: Any, i: number) => {
      if (!(target instanceof nodes.Symbol)) this.fail('set: can only assign to names, or to namespace attributes (ns.name)', target.lineno, target.colno);
      const name = target.value;
      // The JS variable of a name bound in this loop or macro (never of an enclosing scope).
      let id: string | undefined;
      for (let scope = frame; scope; scope = scope.parent) {
        if (scope.variables[name] !== undefined) {
          id = scope.variables[name];
          break;
        }
        if (scope.isolateWrites) break;
      }
      if (!id) {
        id = this._tmpid();
        this._emitLine(`var ${id};`);
        // A name bound to a JS variable outside this loop or macro (an argument, an outer loop
        // variable): reads after this set must see the new local one.
        if (frame.lookup(name)) frame.set(name, id);
      }
      this._emitLine(`${id} = ${targets.length > 1 ? `${value}[${i}]` : value};`);
      this._emitLine(`frame.set(${JSON.stringify(name)}, ${id}, true);`);
      this._emitLine(`if(frame.topLevel) { context.setVariable(${JSON.stringify(name)}, ${id}); }`);
      if (name.charAt(0) !== '_') this._emitLine(`if(frame.topLevel) { context.addExport(${JSON.stringify(name)}, ${id}); }`);
    });
  };

  /** `{% for %}`: its own scope (a `set` inside does not leak), Python iteration, the `loop` object. */
  proto.compileFor = function (this: Any, node: Any, frame: Any): void {
    const arr = this._tmpid();
    const i = this._tmpid();
    const loop = this._tmpid();
    const names: Any[] = node.name instanceof nodes.Array ? node.name.children : [node.name];
    frame = frame.push(true);
    this._emitLine('frame = frame.push(true);');
    this._emit(`lineno = ${node.lineno}; colno = ${node.colno}; var ${arr} = runtime.jinja.loopItems(`);
    this._compileExpression(node.arr, frame);
    this._emitLine(`, ${names.length});`);
    const bind = (item: string, scope: Any): void => {
      if (names.length === 1) {
        const id = this._tmpid();
        this._emitLine(`var ${id} = ${item};`);
        this._emitLine(`frame.set(${JSON.stringify(names[0].value)}, ${id});`);
        scope.set(names[0].value, id);
        return;
      }
      const parts = this._tmpid();
      this._emitLine(`var ${parts} = runtime.jinja.unpack(${item}, ${names.length});`);
      names.forEach((name: Any, u: number) => {
        const id = this._tmpid();
        this._emitLine(`var ${id} = ${parts}[${u}];`);
        this._emitLine(`frame.set(${JSON.stringify(name.value)}, ${id});`);
        scope.set(name.value, id);
      });
    };
    if (node.loopFilter) {
      const item = this._tmpid();
      const scope = frame.push(true);
      this._emitLine(`${arr} = ${arr}.filter(function (${item}) {`);
      this._emitLine('frame = frame.push(true);');
      this._emitLine('try {');
      bind(item, scope);
      this._emit('return ');
      emitHelper(this, 'truthy', scope, node.loopFilter, node.loopFilter);
      this._emitLine(';');
      this._emitLine('} finally { frame = frame.pop(); }');
      this._emitLine('});');
    }
    this._emitLine(`var ${loop} = runtime.jinja.loop(${arr});`);
    this._emitLine(`for (var ${i} = 0; ${i} < ${arr}.length; ${i}++) {`);
    this._emitLine(`${loop}.index0 = ${i};`);
    this._emitLine(`frame.set("loop", ${loop});`);
    bind(`${arr}[${i}]`, frame);
    this.jinjaLoops = (this.jinjaLoops ?? 0) + 1;
    this._withScopedSyntax(() => this.compile(node.body, frame));
    this.jinjaLoops--;
    this._emitLine('}');
    if (node.else_) {
      this._emitLine(`if (!${arr}.length) {`);
      this.compile(node.else_, frame);
      this._emitLine('}');
    }
    this._emitLine('frame = frame.pop();');
  };

  /** A macro body: Jinja's argument binding (see macros.ts), `varargs`/`kwargs`, `return()`. */
  proto._compileMacro = function (this: Any, node: Any, frame: Any): string {
    const positional: Any[] = [];
    let defaults: Any = null;
    const funcId = `macro_${this._tmpid()}`;
    const keepFrame = frame !== undefined;
    node.args.children.forEach((arg: Any, i: number) => {
      if (i === node.args.children.length - 1 && arg instanceof nodes.Dict) defaults = arg;
      else if (arg instanceof nodes.Symbol) positional.push(arg);
      else this.fail('macro arguments must be names, optionally with a default (name=value)', arg.lineno, arg.colno);
    });
    const params = [...positional.map((arg) => `l_${arg.value}`), 'kwargs'];
    const scope = keepFrame ? frame.push(true) : new Frame();
    const extras = this._tmpid();
    this._emitLines(
      `var ${funcId} = runtime.makeMacro([${positional.map((arg) => JSON.stringify(arg.value)).join(', ')}], ` +
        `[${(defaults?.children ?? []).map((pair: Any) => JSON.stringify(pair.key.value)).join(', ')}], function (${params.join(', ')}) {`,
      'var callerFrame = frame;',
      `frame = ${keepFrame ? 'frame.push(true)' : 'new runtime.Frame()'};`,
      'try {',
      'kwargs = kwargs || {};',
      'if (Object.prototype.hasOwnProperty.call(kwargs, "caller")) { frame.set("caller", kwargs.caller); }',
      `var ${extras} = runtime.jinja.macroExtras(kwargs);`,
      `frame.set("varargs", ${extras}.varargs);`,
      `frame.set("kwargs", ${extras}.kwargs);`,
    );
    for (const arg of positional) {
      this._emitLine(`frame.set(${JSON.stringify(arg.value)}, l_${arg.value});`);
      scope.set(arg.value, `l_${arg.value}`);
    }
    for (const pair of defaults?.children ?? []) {
      const name = JSON.stringify(pair.key.value);
      this._emit(`frame.set(${name}, Object.prototype.hasOwnProperty.call(kwargs, ${name}) ? kwargs[${name}] : `);
      this._compileExpression(pair.value, scope);
      this._emitLine(');');
    }
    const buffer = this._pushBuffer();
    // A macro body is a function: break/continue cannot reach a loop around the macro.
    const loops = this.jinjaLoops;
    this.jinjaLoops = 0;
    this._withScopedSyntax(() => this.compile(node.body, scope));
    this.jinjaLoops = loops;
    this._emitLine(`return ${buffer};`);
    this._emitLine('} finally { frame = callerFrame; }');
    this._emitLine('});');
    this._popBuffer();
    return funcId;
  };
}

let installed = false;

/** Installs the lexer, parser and compiler rules above (once per process). */
export function installSyntax(): void {
  if (installed) return;
  installed = true;
  installLexer();
  installParser();
  installCompiler();
}
