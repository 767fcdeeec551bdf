/**
 * The Deployments tabs' code, each behind one `import()`: the tab's loader and its overview card's
 * prefetch share it, so the prefetch loads the very chunks the tab asks for (two `import()` sites of
 * one module can be bundled as two different chunks).
 */
export const loadEntityContent = () =>
  import('./components/EntityShiplogContent');

export const loadOrgContent = () => import('./components/OrgDeployments');
