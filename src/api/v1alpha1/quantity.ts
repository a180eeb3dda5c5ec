// Kubernetes resource quantities live in kube/ (CEL's quantity() library
// computes with the same parser); the API re-exports what it uses.
export { compareQuantities, parseQuantity, type Quantity } from '@mcp-operator/kube-core/quantity';
