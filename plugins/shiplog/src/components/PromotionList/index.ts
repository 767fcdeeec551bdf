export { PromotionList } from './PromotionList';
export { PromotionLinks } from './PromotionLinks';
export { PromotionStateIndicator } from './PromotionStateIndicator';
