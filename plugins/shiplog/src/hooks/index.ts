export { useArgoCdState, rolloutKey } from './useArgoCdState';
export { useChangelog } from './useChangelog';
export { useCreatePromotion } from './useCreatePromotion';
export { useDeploymentHistory } from './useDeploymentHistory';
export { useEnvironments } from './useEnvironments';
export { usePromotePermission } from './usePromotePermission';
export { usePromotionPreview } from './usePromotionPreview';
export { usePromotions } from './usePromotions';
export { useReleasePages } from './useReleasePages';
