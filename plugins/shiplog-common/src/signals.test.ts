import {
  SHIPLOG_SIGNAL_PARTS,
  shiplogSignalChannel,
  signalPartsForEvents,
  signalPartsOf,
} from './signals';

describe('Shiplog signals', () => {
  it("names the entity's channel", () => {
    expect(shiplogSignalChannel('component:default/checkout')).toBe(
      'shiplog:component:default/checkout',
    );
  });

  it('names only the parts of the tab a batch of events changes, the matrix first', () => {
    expect(signalPartsForEvents(['deploy'])).toEqual([
      'environments',
      'releases',
    ]);
    expect(signalPartsForEvents(['publish', 'release'])).toEqual(['releases']);
    expect(signalPartsForEvents(['promotion'])).toEqual([
      'environments',
      'promotions',
    ]);
    expect(signalPartsForEvents(['commits'])).toEqual(['environments']);
    expect(signalPartsForEvents(['something-new'])).toEqual(
      SHIPLOG_SIGNAL_PARTS,
    );
  });

  it('reads the parts a signal names, and every part when it names none it knows', () => {
    expect(signalPartsOf({ parts: ['argocd'] })).toEqual(['argocd']);
    expect(signalPartsOf({ parts: ['releases', 'bogus'] })).toEqual([
      'releases',
    ]);
    expect(signalPartsOf({ changed: 'ledger' })).toEqual(SHIPLOG_SIGNAL_PARTS);
    expect(signalPartsOf({ parts: 'argocd' })).toEqual(SHIPLOG_SIGNAL_PARTS);
    expect(signalPartsOf(null)).toEqual(SHIPLOG_SIGNAL_PARTS);
  });
});
