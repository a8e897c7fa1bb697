package io.vswitch.linux;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The one platform thread that enters network namespaces for {@link Namespaces}. Tasks run one
 * at a time, in submission order; each one enters a namespace and restores the worker's own
 * before it ends (a worker that failed to restore is retired: it finishes and a new worker
 * starts for the next task). A dedicated thread instead of a new one per task: starting a thread
 * costs about 0.1-1.5 ms (more on a loaded machine), a hand-over some microseconds.
 *
 * <p>Tasks must be short and must not wait for other namespace tasks (they would wait for
 * themselves); a task that calls back into {@link Namespaces} runs inline on the worker.
 */
final class NsWorker {
    private record Job(Callable<?> task, CompletableFuture<Object> result) {
    }

    private static final LinkedBlockingQueue<Job> QUEUE = new LinkedBlockingQueue<>();
    private static Thread current;

    private NsWorker() {
    }

    @SuppressWarnings("unchecked")
    static <T> T run(Callable<T> task) throws Exception {
        if (Thread.currentThread() == worker(false)) {
            return task.call(); // nested: we are the worker already
        }
        CompletableFuture<Object> f = new CompletableFuture<>();
        QUEUE.add(new Job(task, f));
        worker(true);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return (T) f.get();
                } catch (InterruptedException e) {
                    // the task is short and may be half-way through namespace work: wait for it
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

    /** The worker thread; started (again) when {@code start} and there is none alive. */
    private static synchronized Thread worker(boolean start) {
        if (start && (current == null || !current.isAlive() || retired.get() == current)) {
            current = Thread.ofPlatform().name("netns-worker").daemon(true).start(NsWorker::loop);
        }
        return current;
    }

    private static final java.util.concurrent.atomic.AtomicReference<Thread> retired =
            new java.util.concurrent.atomic.AtomicReference<>();

    /** Called on the worker when it could not return to its namespace: it takes no further task. */
    static void retireCurrent() {
        retired.set(Thread.currentThread());
    }

    private static void loop() {
        Thread me = Thread.currentThread();
        while (retired.get() != me) {
            Job j;
            try {
                j = QUEUE.take();
            } catch (InterruptedException e) {
                continue; // nobody interrupts this thread on purpose; keep serving
            }
            try {
                j.result().complete(j.task().call());
            } catch (Throwable t) {
                j.result().completeExceptionally(t);
            }
        }
        // retired: make sure someone serves what is queued
        synchronized (NsWorker.class) {
            if (current == me) {
                current = Thread.ofPlatform().name("netns-worker").daemon(true).start(NsWorker::loop);
            }
        }
    }
}
