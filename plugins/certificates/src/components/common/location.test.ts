import { locationLabel, whereText } from './location';
import { EMPTY_FILTER, parseFilter, toApiFilter } from './filterParams';

describe('locations', () => {
  it("shows the portal's certificates at the portal, not in a cluster named after it", () => {
    expect(whereText({ location: 'portal' })).toBe('Portal');
    expect(whereText({ location: 'cluster', cluster: 'prod' })).toBe('prod');
    // From a server before locations.
    expect(whereText({ cluster: 'prod' })).toBe('prod');
    expect(locationLabel('endpoint')).toBe('Endpoint');
    // A location a later release adds is shown as it is.
    expect(locationLabel('registry')).toBe('registry');
  });

  it('keeps the location filter in the URL and sends it to the API', () => {
    const filter = parseFilter(new URLSearchParams('location=portal'));
    expect(filter).toEqual({ ...EMPTY_FILTER, location: ['portal'] });
    expect(toApiFilter(filter)).toEqual({ location: ['portal'] });
  });
});
