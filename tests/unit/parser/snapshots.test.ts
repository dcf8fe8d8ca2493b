import { describe, expect, it } from 'vitest';
import { ParseError } from '../../../src/errors.js';
import { extractSnapshotBlocks } from '../../../src/parser/snapshots.js';
import { projectFile, thrown } from '../helpers.js';

describe('extractSnapshotBlocks', () => {
  it('cuts out each block, padding the body so its lines keep their file line numbers', () => {
    const file = projectFile('snapshots/s.sql', "-- two snapshots\n{% snapshot a %}\nselect 1\n{% endsnapshot %}\n\n{%- snapshot b -%}select 2{% endsnapshot %}\n");
    const blocks = extractSnapshotBlocks(file);
    expect(blocks.map((b) => [b.name, b.line])).toEqual([['a', 2], ['b', 6]]);
    expect(blocks[0].sql).toBe('\n\nselect 1\n');
    expect(blocks[0].sql.split('\n').indexOf('select 1') + 1).toBe(3);
    expect(blocks[1].sql).toBe('\n\n\n\n\nselect 2');
  });

  it('names the line of a block that is never closed', () => {
    const error = thrown(() => extractSnapshotBlocks(projectFile('snapshots/s.sql', '\n\n{% snapshot a %}\nselect 1\n{% snapshot b %}select 2{% endsnapshot %}\n')));
    expect(error).toBeInstanceOf(ParseError);
    expect(error.message).toBe("Snapshot 'a' has no {% endsnapshot %}");
    expect(error.location).toEqual({ file: 'snapshots/s.sql', line: 3 });
  });

  it('rejects a snapshot file without blocks, but accepts an empty one', () => {
    expect(thrown(() => extractSnapshotBlocks(projectFile('snapshots/s.sql', 'select 1\n'))).message).toContain('needs a {% snapshot name %}');
    expect(extractSnapshotBlocks(projectFile('snapshots/s.sql', '\n'))).toEqual([]);
  });
});
