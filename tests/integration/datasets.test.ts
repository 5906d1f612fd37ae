import { expect, it } from 'vitest';
import {
  addItems,
  createDataset,
  deleteItem,
  getDataset,
  listDatasets,
  listItems,
  updateItem,
} from '@/server/datasets';
import { describeEachDb } from '../helpers/db';
import { makeProject } from '../helpers/fixtures';

describeEachDb('datasets', ({ db }) => {
  it('versions every change and lists the items as of any version', async () => {
    const p = await makeProject(db());
    const ds = await createDataset(db(), p.id, { name: 'qa', description: 'questions' });
    expect(ds.version).toBe(1);
    expect((await listItems(db(), p.id, ds.id)).items).toEqual([]);

    const v2 = await addItems(db(), p.id, ds.id, [{ input: { q: 'a' } }, { input: { q: 'b' } }]);
    expect(v2.version).toBe(2);
    const [a, b] = v2.items;
    const v3 = await addItems(db(), p.id, ds.id, [{ input: { q: 'c' }, expectedOutput: 'C' }]);
    expect(v3.version).toBe(3);
    const updated = await updateItem(db(), p.id, ds.id, a!.itemId, { input: { q: 'a2' } });
    expect(updated.version).toBe(4);
    expect(updated.itemId).toBe(a!.itemId);
    expect((await deleteItem(db(), p.id, ds.id, b!.itemId)).version).toBe(5);
    expect((await getDataset(db(), p.id, ds.id))!.version).toBe(5);

    const inputs = async (version?: number) =>
      (await listItems(db(), p.id, ds.id, { version })).items.map((i) => (i.input as { q: string }).q).sort();
    expect(await inputs(1)).toEqual([]);
    expect(await inputs(2)).toEqual(['a', 'b']);
    expect(await inputs(3)).toEqual(['a', 'b', 'c']);
    expect(await inputs(4)).toEqual(['a2', 'b', 'c']);
    expect(await inputs(5)).toEqual(['a2', 'c']);
    expect(await inputs()).toEqual(['a2', 'c']);
    await expect(listItems(db(), p.id, ds.id, { version: 6 })).rejects.toMatchObject({ code: 'bad_request' });
    // A deleted item cannot be changed again.
    await expect(deleteItem(db(), p.id, ds.id, b!.itemId)).rejects.toMatchObject({ code: 'not_found' });
    expect((await getDataset(db(), p.id, ds.id))!.version).toBe(5);
  });

  it('bumps the version exactly once per change under concurrency', async () => {
    const p = await makeProject(db());
    const ds = await createDataset(db(), p.id, { name: 'concurrent' });
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => addItems(db(), p.id, ds.id, [{ input: i }])),
    );
    expect(results.map((r) => r.version).sort((x, y) => x - y)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    expect((await listItems(db(), p.id, ds.id)).items).toHaveLength(8);
    expect((await listItems(db(), p.id, ds.id, { version: 5 })).items).toHaveLength(4);
  });

  it('is scoped to its project', async () => {
    const p = await makeProject(db());
    const other = await makeProject(db());
    const ds = await createDataset(db(), p.id, { name: 'mine' });
    const { items } = await addItems(db(), p.id, ds.id, [{ input: 1 }]);
    expect(await getDataset(db(), other.id, ds.id)).toBeNull();
    expect((await listDatasets(db(), p.id)).map((d) => d.id)).toEqual([ds.id]);
    expect(await listDatasets(db(), other.id)).toEqual([]);
    for (const call of [
      () => listItems(db(), other.id, ds.id),
      () => addItems(db(), other.id, ds.id, [{ input: 2 }]),
      () => updateItem(db(), other.id, ds.id, items[0]!.itemId, { input: 3 }),
      () => deleteItem(db(), other.id, ds.id, items[0]!.itemId),
    ]) {
      await expect(call()).rejects.toMatchObject({ code: 'not_found' });
    }
    expect((await getDataset(db(), p.id, ds.id))!.version).toBe(2);
    await expect(createDataset(db(), p.id, { name: 'mine' })).rejects.toMatchObject({ code: 'conflict' });
    await createDataset(db(), other.id, { name: 'mine' });
  });
});
