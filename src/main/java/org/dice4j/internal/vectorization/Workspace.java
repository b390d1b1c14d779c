package org.dice4j.internal.vectorization;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ForkJoinWorkerThread;

/** A thread's scratch, chunk cursor and lane sums, kept across calls. */
final class Workspace {
    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);
    /**
     * Workspaces of fork-join worker threads, which may not keep thread-locals: the common pool's workers erase
     * theirs after every task, and a thread-local workspace was rebuilt, staging included, on every call (52 KB per
     * call on two threads, measured). Weak keys: a worker that ends leaves nothing behind.
     */
    private static final Map<Thread, Workspace> WORKER_WORKSPACES = Collections.synchronizedMap(new WeakHashMap<>());

    final Scratch scratch = new Scratch();
    final ChunkCursor cursor = new ChunkCursor();
    final LaneSums sums = new LaneSums();

    private Workspace() {}

    /** The calling thread's workspace, as it is. */
    static Workspace current() {
        Thread thread = Thread.currentThread();
        return thread instanceof ForkJoinWorkerThread
                ? WORKER_WORKSPACES.computeIfAbsent(thread, worker -> new Workspace()) : WORKSPACE.get();
    }

    /** The calling thread's workspace, grown for {@code classes} classes. */
    static Workspace current(int classes) {
        Workspace workspace = current();
        workspace.scratch.ensure(classes);
        workspace.sums.ensure(classes);
        return workspace;
    }

    /** Lets go of everything of the caller's: the tensors and the gradient coefficients. */
    void release() {
        cursor.release();
        scratch.coefficients.release();
    }
}
