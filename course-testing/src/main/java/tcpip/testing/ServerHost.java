package tcpip.testing;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.lang.reflect.InvocationTargetException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A JVM that runs many server mains one after another, each in a class loader of its own over the
 * course's classes (directories or jars, never this JVM's class path), so what one server loaded is
 * not loaded for the next: a class a server needs on a failure path is loaded by that server or not at
 * all, as when it runs alone. {@link DescriptorExhaustion} runs it under a low descriptor limit, so
 * that one JVM start serves a whole chapter. Commands over the loopback connection whose port its first
 * line names, one per line:
 * {@code start MAIN ARG...} (each argument Base64 behind '='); it answers {@code host started MAIN} and,
 * if a main ever returns or throws, {@code host ended MAIN: why}. Servers print to the same stdout.
 */
public final class ServerHost {

    private ServerHost() {
    }

    /** {@code ServerHost CLASSPATH}: the servers' class path (directories or jars, {@code File.pathSeparator}). */
    public static void main(String[] args) throws Exception {
        List<URL> urls = new ArrayList<>();
        for (String entry : args[0].split(File.pathSeparator)) {
            urls.add(Path.of(entry).toUri().toURL());
        }
        // Commands come over a loopback connection, not stdin: out of descriptors, a failed process start
        // (a server's ss) closes descriptor 0 (JDK 21 and 25), and with it stdin.
        ServerSocket commands = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        System.out.println("host commands on port " + commands.getLocalPort());
        Socket driver = commands.accept();
        commands.close();
        BufferedReader in = new BufferedReader(new InputStreamReader(driver.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null;) {
            String[] f = line.split(" ");
            if (f.length < 2 || !f[0].equals("start")) {
                continue;
            }
            String main = f[1];
            String[] mainArgs = new String[f.length - 2];
            for (int i = 2; i < f.length; i++) {
                mainArgs[i - 2] = new String(Base64.getDecoder().decode(f[i].substring(1)), StandardCharsets.UTF_8);
            }
            ClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
            Thread t = new Thread(() -> {
                String why = "returned";
                try {
                    Class.forName(main, true, loader).getMethod("main", String[].class).invoke(null, (Object) mainArgs);
                } catch (InvocationTargetException e) {
                    why = String.valueOf(e.getCause());
                } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                    why = String.valueOf(e);
                }
                System.out.println("host ended " + main + ": " + why);
            }, "main-" + main);
            t.setContextClassLoader(loader);
            t.start();
            System.out.println("host started " + main);
        }
    }

    /** The {@code start} command for {@code main} with {@code args}. */
    static String start(String main, List<String> args) {
        StringBuilder b = new StringBuilder("start ").append(main);
        for (String a : args) {
            b.append(" =").append(Base64.getEncoder().encodeToString(a.getBytes(StandardCharsets.UTF_8)));
        }
        return b.toString();
    }
}
