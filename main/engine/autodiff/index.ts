/** Public surface of the reverse-mode autodiff. */
export { gradients } from './gradients.ts';
export { GRAD_RULES, type GradRule, type GradContext } from './rules.ts';
