import { Entity } from '@backstage/catalog-model';
import {
  ARGOCD_ANNOTATIONS,
  GITHUB_PROJECT_SLUG_ANNOTATION,
  SHIPLOG_ANNOTATIONS,
} from '@shiplog/plugin-shiplog-common';

const RELEVANT = [
  ...Object.values(SHIPLOG_ANNOTATIONS),
  ARGOCD_ANNOTATIONS.appName,
  ARGOCD_ANNOTATIONS.appSelector,
  GITHUB_PROJECT_SLUG_ANNOTATION,
];

/**
 * True for entities Shiplog can know something about: any Shiplog, Argo CD or GitHub annotation.
 * CI can also report events for an entity without annotations; the tab then explains what to add.
 *
 * @public
 */
export function isShiplogAvailable(entity: Entity): boolean {
  const annotations = entity.metadata.annotations ?? {};
  return RELEVANT.some(name => Boolean(annotations[name]));
}

/** The kinds whose Deployments tab rolls up the components they cover. */
const ORG_VIEW_KINDS = ['system', 'group', 'domain'];

/**
 * True for a System, Group or Domain: the entities whose Deployments tab shows their components ×
 * environments and DORA metrics (`EntityShiplogOrgContent`).
 *
 * @public
 */
export function isShiplogOrgViewAvailable(entity: Entity): boolean {
  return ORG_VIEW_KINDS.includes(entity.kind.toLocaleLowerCase('en-US'));
}
