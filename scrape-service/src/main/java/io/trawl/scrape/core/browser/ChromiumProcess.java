package io.trawl.scrape.core.browser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * One system Chromium, started by us (not by Playwright) so that its flags are ours: every request through
 * the guarded proxy (loopback included: {@code <-loopback>}), no name resolution of its own
 * ({@code --host-resolver-rules}), no QUIC or non-proxied WebRTC UDP, no background traffic, a fresh profile
 * directory, and a V8 heap cap per renderer so a page that allocates without end crashes its own tab, not the
 * worker. Playwright then attaches over the DevTools protocol on loopback.
 * <p>
 * Chromium dies with the JVM that started it, also on {@code kill -9} (no shutdown hook runs then): it is started
 * through util-linux's {@code setpriv --pdeathsig KILL}, so the kernel kills it when its parent goes (its own child
 * processes follow their browser). Without that a killed worker left its Chromium running, reparented to init,
 * with its profile in the temp directory, for good. The parent-death signal follows the <em>thread</em> that
 * started the process: {@link BrowserPageFetcher} launches from one thread that lives as long as it does. A
 * profile is named after its JVM's pid, and a launch deletes the profiles of JVMs that are gone.
 */
final class ChromiumProcess {

    private final Process process;
    private final Path profile;
    private final int devtoolsPort;
    private final String browserPath;

    /** util-linux's setpriv (Debian: package util-linux, always installed), for the parent-death signal. */
    static final Path SETPRIV = Path.of("/usr/bin/setpriv");

    /** Profile directories are {@code trawl-chromium-<pid of the JVM>-<random>} in the temp directory. */
    static final String PROFILE_PREFIX = "trawl-chromium-";

    private ChromiumProcess(Process process, Path profile, int devtoolsPort, String browserPath) {
        this.process = process;
        this.profile = profile;
        this.devtoolsPort = devtoolsPort;
        this.browserPath = browserPath;
    }

    static ChromiumProcess launch(BrowserOptions options, int proxyPort) throws IOException {
        removeStaleProfiles(Path.of(System.getProperty("java.io.tmpdir")));
        Path profile = Files.createTempDirectory(PROFILE_PREFIX + ProcessHandle.current().pid() + "-");
        List<String> command = new ArrayList<>();
        if (Files.isExecutable(SETPRIV)) {
            command.addAll(List.of(SETPRIV.toString(), "--pdeathsig", "KILL", "--"));
        }
        command.addAll(List.of(options.executablePath(),
                "--headless",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                "--disable-default-apps",
                "--disable-dev-shm-usage",
                "--mute-audio",
                "--disable-features=DnsOverHttps,MediaRouter,OptimizationHints,Translate",
                "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
                "--webrtc-ip-handling-policy=disable_non_proxied_udp",
                "--user-data-dir=" + profile,
                "--proxy-server=http://127.0.0.1:" + proxyPort,
                "--proxy-bypass-list=<-loopback>",
                "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
                "--js-flags=--max-old-space-size=" + options.jsHeapMb(),
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0"));
        if (options.noSandbox()) {
            command.add("--no-sandbox");
        }
        command.add("about:blank");
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(profile.resolve("chromium.log").toFile())
                .start();
        Path portFile = profile.resolve("DevToolsActivePort");
        long deadline = System.nanoTime() + options.launchTimeout().toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("chromium exited with " + process.exitValue() + ": " + tail(profile));
            }
            if (Files.exists(portFile)) {
                List<String> lines = Files.readAllLines(portFile, StandardCharsets.UTF_8);
                if (lines.size() >= 2) {
                    return new ChromiumProcess(process, profile, Integer.parseInt(lines.get(0).strip()),
                            lines.get(1).strip());
                }
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        process.destroyForcibly();
        throw new IOException("chromium did not open its DevTools port within " + options.launchTimeout());
    }

    /** The browser's process id (setpriv and Debian's chromium script exec, so it is Chromium's own). */
    long pid() {
        return process.pid();
    }

    /** The DevTools endpoint Playwright attaches to. */
    String cdpEndpoint() {
        return "ws://127.0.0.1:" + devtoolsPort + browserPath;
    }

    int devtoolsPort() {
        return devtoolsPort;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Memory of the browser and all its child processes (Linux /proc), 0 when unknown: the sum of their
     * proportional set sizes (PSS: a page shared by n processes counts 1/n in each), so the pages Chromium's
     * processes share are counted once. Summing VmRSS instead counts them in every process (measured: a browser
     * whose PSS sum is 520 MiB shows 1.4 GiB of summed RSS). VmRSS only where smaps_rollup is missing.
     */
    long residentBytes() {
        long total = memory(process.pid());
        for (ProcessHandle child : process.descendants().toList()) {
            total += memory(child.pid());
        }
        return total;
    }

    private static long memory(long pid) {
        long pss = pss(pid);
        return pss >= 0 ? pss : rss(pid);
    }

    private static long pss(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/smaps_rollup"))) {
                if (line.startsWith("Pss:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // gone, not Linux, or a kernel before 4.14
        }
        return -1;
    }

    void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        delete(profile);
    }

    /**
     * Deletes the profiles in {@code tmp} whose JVM is gone (a worker killed with -9 cannot delete its own); a
     * profile of a live process, or one without a pid in its name, stays.
     */
    static void removeStaleProfiles(Path tmp) {
        try (Stream<Path> dirs = Files.list(tmp)) {
            for (Path dir : dirs.toList()) {
                String name = dir.getFileName().toString();
                if (!name.startsWith(PROFILE_PREFIX)) {
                    continue;
                }
                String[] parts = name.substring(PROFILE_PREFIX.length()).split("-", 2);
                if (parts.length == 2 && parts[0].matches("\\d{1,10}")
                        && ProcessHandle.of(Long.parseLong(parts[0])).isEmpty()) {
                    delete(dir);
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // best effort: a profile left behind costs disk only
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind
        }
    }

    private static long rss(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // gone, or not Linux
        }
        return 0;
    }

    private static String tail(Path profile) {
        try {
            String log = Files.readString(profile.resolve("chromium.log"));
            return log.length() > 2000 ? log.substring(log.length() - 2000) : log;
        } catch (IOException e) {
            return "";
        }
    }
}
