// The part of js-yaml 4 (https://github.com/nodeca/js-yaml) that src/config/yaml-file.ts uses.
declare module 'js-yaml' {
  /** The loader's state as a `listener` sees it (js-yaml internals: positions are UTF-16 offsets). */
  export interface LoaderState {
    /** the text being read (js-yaml drops a leading BOM and appends a final newline) */
    input: string;
    /** offset of the reading position in `input` */
    position: number;
    /** the value of the node just closed (on 'close') */
    result: unknown;
    /** node tag: null (none), '?' (plain scalar not resolved), '!' (non-specific) or a resolved/explicit tag */
    tag: string | null;
    /** anchor name of the node, or null */
    anchor: string | null;
  }
  export interface LoadOptions {
    filename?: string;
    schema?: Schema;
    json?: boolean;
    listener?: (event: 'open' | 'close', state: LoaderState) => void;
  }
  export interface TypeOptions {
    kind: 'scalar' | 'sequence' | 'mapping';
    resolve?: (data: unknown) => boolean;
    construct?: (data: unknown) => unknown;
  }
  export class Type {
    constructor(tag: string, options: TypeOptions);
  }
  export class Schema {
    constructor(definition: { implicit?: Type[]; explicit?: Type[] });
  }
  export function load(text: string, options?: LoadOptions): unknown;
}
