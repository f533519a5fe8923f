import { describe, expect, it } from 'vitest';
import { mapLabelsByName } from './map-labels-by-name';

const model = [
  { value: 0, name: 'background' },
  { value: 1, name: 'White Matter' },
  { value: 2, name: 'Grey Matter' },
];

describe('mapLabelsByName', () => {
  it("maps a SEG's segments to the model's labels by name, whatever their numbers, case or separators", () => {
    const m = mapLabelsByName(
      [
        { value: 1, name: 'grey_matter' },
        { value: 2, name: 'Tumour' },
        { value: 3, name: 'WHITE-MATTER' },
      ],
      model,
    );
    expect(m.compared).toEqual([
      { value: 1, name: 'White Matter' },
      { value: 2, name: 'Grey Matter' },
    ]);
    expect([m.remap[1], m.remap[2], m.remap[3]]).toEqual([2, 0, 1]);
    expect(m.unmatched).toEqual(['Tumour']);
  });

  it("takes a NIfTI reference's values (no names) as the model's, background aside", () => {
    const m = mapLabelsByName([], model);
    expect(m.compared.map((l) => l.value)).toEqual([1, 2]);
    expect([m.remap[0], m.remap[1], m.remap[2], m.remap[3]]).toEqual([0, 1, 2, 0]);
  });

  it('compares nothing when no name matches', () => {
    expect(mapLabelsByName([{ value: 1, name: 'Liver' }], model).compared).toEqual([]);
  });
});
