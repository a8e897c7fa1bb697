package io.vswitch.linux;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The platform threads that enter network namespaces for {@link Namespaces}: a few dedicated
 * workers (system property {@code io.vswitch.linux.nsWorkers}, default the number of CPUs, at
 * least 2), started on first use, taking tasks from one queue. Each task enters a namespace and
 * restores the worker's own before it ends; a worker that failed to restore is retired (it takes
 * no further task and a new worker replaces it). Dedicated threads instead of a new one per task:
 * starting a thread costs about 0.1-1.5 ms (more on a loaded machine), a hand-over some
 * microseconds; several, so that hosts can be built in parallel.
 *
 * <p>Tasks must be short and must not wait for other namespace tasks; a task that calls back into
 * {@link Namespaces} runs inline on its worker.
 */
final class NsWorker {
    private record Job(Callable<?> task, CompletableFuture<Object> result) {
    }

    static final int WORKERS = Math.max(2, Integer.getInteger("io.vswitch.linux.nsWorkers",
            Runtime.getRuntime().availableProcessors()));
    private static final LinkedBlockingQueue<Job> QUEUE = new LinkedBlockingQueue<>();
    private static final ThreadLocal<Boolean> ON_WORKER = ThreadLocal.withInitial(() -> false);
    private static final ThreadLocal<Boolean> RETIRED = ThreadLocal.withInitial(() -> false);
    private static int alive;

    private NsWorker() {
    }

    @SuppressWarnings("unchecked")
    static <T> T run(Callable<T> task) throws Exception {
        if (ON_WORKER.get()) {
            return task.call(); // nested: we are a worker already
        }
        CompletableFuture<Object> f = new CompletableFuture<>();
        QUEUE.add(new Job(task, f));
        ensureWorkers();
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return (T) f.get();
                } catch (InterruptedException e) {
                    // the task may be half-way through namespace work: wait for it to finish
                    interrupted = true;
                } catch (ExecutionException e) {
                    Throwable c = e.getCause();
                    if (c instanceof Exception ex) {
                        throw ex;
                    }
                    if (c instanceof Error err) {
                        throw err;
                    }
                    throw e;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static synchronized void ensureWorkers() {
        while (alive < WORKERS) {
            alive++;
            Thread.ofPlatform().name("netns-worker-" + alive).daemon(true).start(NsWorker::loop);
        }
    }

    /** Called on a worker that could not return to its namespace: it takes no further task. */
    static void retireCurrent() {
        RETIRED.set(true);
    }

    private static void loop() {
        ON_WORKER.set(true);
        while (!RETIRED.get()) {
            Job j;
            try {
                j = QUEUE.take();
            } catch (InterruptedException e) {
                continue; // nobody interrupts these threads on purpose; keep serving
            }
            try {
                j.result().complete(j.task().call());
            } catch (Throwable t) {
                j.result().completeExceptionally(t);
            }
        }
        synchronized (NsWorker.class) {
            alive--;
        }
        ensureWorkers(); // a replacement, so queued tasks are served
    }
}
