/**
 * A forward call's backward may run once, and only while what the call saved is still there. A second
 * run would add the parameter gradients twice; a run after its workspace was reset for a later step
 * would read saved values that step has overwritten (gradients wrong by any amount). Both throw.
 */
import { TsnnError, type Workspace } from '@tsnn/tensor';

/** `backward`, guarded: throws a TsnnError naming `what` on a second call or after `ws` was reset. */
export function backwardOnce<A extends unknown[], R>(what: string, ws: Workspace | undefined, backward: (...args: A) => R): (...args: A) => R {
  const generation = ws?.generation;
  let done = false;
  return (...args: A): R => {
    if (done) {
      throw new TsnnError(`${what}: backward already ran for this forward call; running it again would add the gradients twice (run forward again first)`);
    }
    if (ws && ws.generation !== generation) {
      throw new TsnnError(`${what}: backward after its workspace was reset for a later step, which overwrote the values this forward call saved; run backward before the next step's forward`);
    }
    done = true;
    return backward(...args);
  };
}
