export { PromoteButton } from './PromoteButton';
export { PromoteDialog } from './PromoteDialog';
export { GuardVerdicts } from './GuardVerdicts';
