// The local control plane in a process of its own for the benchmark: the
// MCPServer CRD, a simulated IngressClass, simulated Deployment readiness and
// ingress addresses (no delay), and an HTTPS port. Prints one JSON line with
// its kubeconfig and admin URL once it serves; stops on SIGTERM or SIGINT.
// With `--stats`, answers `POST /admin/requests` as usual (request accounting).
import { mcpServerCRD } from '../src/api/v1alpha1/crd.ts';
import { LocalControlPlane } from '@mcp-operator/local-control-plane/control-plane';

const plane = new LocalControlPlane({
  port: 0,
  simulation: { deploymentReadyDelayMs: 0 },
});
await plane.start();
plane.applyObject(mcpServerCRD());
plane.addSimulatedIngressClass('bench');
process.stdout.write(
  `${JSON.stringify({ kubeconfig: plane.kubeconfig(), url: plane.url, admin: plane.adminToken })}\n`,
);
const stop = () => void plane.stop().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
