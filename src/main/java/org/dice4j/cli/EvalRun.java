package org.dice4j.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * Scores {@code eval}'s cases on a pool of threads and gives their outcomes in the order of the names, whatever
 * order they finish in, so that every output is the same for any thread count. Warnings and failures go to stderr in
 * that order too (each as soon as every earlier case is done); the progress line, on a terminal only, counts cases
 * as they finish.
 */
final class EvalRun {
    private final int threads;
    private final boolean progress;
    private final PrintWriter err;

    EvalRun(int threads, boolean progress, PrintWriter err) {
        this.threads = threads;
        this.progress = progress;
        this.err = err;
    }

    List<EvalCase.Outcome> run(List<String> names, Function<String, EvalCase.Outcome> score) {
        EvalCase.Outcome[] outcomes = new EvalCase.Outcome[names.size()];
        long started = System.nanoTime();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads, daemon())) {
            CompletionService<Integer> done = new ExecutorCompletionService<>(pool);
            for (int i = 0; i < names.size(); i++) {
                int index = i;
                done.submit(() -> {
                    outcomes[index] = score.apply(names.get(index));
                    return index;
                });
            }
            boolean[] taken = new boolean[names.size()];
            int reported = 0;
            for (int finished = 1; finished <= names.size(); finished++) {
                int index = take(done);
                taken[index] = true;
                if (progress) {
                    err.print(EvalCommand.progressBar(finished, names.size(), names.get(index),
                            (System.nanoTime() - started) / 1e9));
                    err.flush();
                }
                while (reported < outcomes.length && taken[reported]) {
                    report(outcomes[reported++]);
                }
            }
        }
        if (progress) {
            err.print("\r" + " ".repeat(80) + "\r");
            err.flush();
        }
        return new ArrayList<>(Arrays.asList(outcomes));
    }

    private void report(EvalCase.Outcome outcome) {
        String clear = progress ? "\r" + " ".repeat(80) + "\r" : "";
        for (String warning : outcome.warnings()) {
            err.println(clear + "dice4j: warning: " + Main.oneLine(warning));
        }
        if (!outcome.scored()) {
            err.println(clear + "dice4j: " + Main.oneLine(outcome.failure()));
        }
        err.flush();
    }

    /** The index of the next finished case; an unexpected failure of a worker is rethrown as it was. */
    private static int take(CompletionService<Integer> done) {
        try {
            Future<Integer> next = done.take();
            return next.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("eval was interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private static java.util.concurrent.ThreadFactory daemon() {
        return runnable -> {
            Thread thread = new Thread(runnable, "dice4j-eval");
            thread.setDaemon(true);
            return thread;
        };
    }
}
