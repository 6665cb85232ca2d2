package io.trawl.e2e.system;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the command-line tools the suite controls the infrastructure with ({@code psql}, {@code rabbitmqctl}). */
public final class Shell {

    private Shell() {
    }

    /** The result of a finished command. */
    public record Result(int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    /** Runs a command, stdout and stderr together, bounded in time; never throws for a non-zero exit. */
    public static Result run(Duration timeout, String... command) {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            byte[][] out = new byte[1][];
            Thread reader = new Thread(() -> {
                try {
                    out[0] = p.getInputStream().readAllBytes();
                } catch (IOException e) {
                    out[0] = new byte[0];
                }
            }, "shell-reader");
            reader.setDaemon(true);
            reader.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out after " + timeout + ": " + String.join(" ", command));
            }
            reader.join(5000);
            String text = out[0] == null ? "" : new String(out[0], StandardCharsets.UTF_8);
            return new Result(p.exitValue(), text.strip());
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
        }
    }

    /** Runs a command and fails with its output unless it exits 0. */
    public static String check(Duration timeout, String... command) {
        Result r = run(timeout, command);
        if (!r.ok()) {
            throw new IllegalStateException("`" + String.join(" ", command) + "` exited " + r.exitCode() + ": "
                    + r.output());
        }
        return r.output();
    }

    /** One SQL statement as the Postgres superuser (trust auth on 127.0.0.1), unaligned tuples-only output. */
    public static String psql(String database, String sql) {
        List<String> cmd = new ArrayList<>(List.of("psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database,
                "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql));
        return check(Duration.ofSeconds(60), cmd.toArray(String[]::new));
    }

    public static String rabbitmqctl(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("rabbitmqctl");
        cmd.add("-q");
        cmd.addAll(List.of(args));
        return check(Duration.ofSeconds(120), cmd.toArray(String[]::new));
    }
}
