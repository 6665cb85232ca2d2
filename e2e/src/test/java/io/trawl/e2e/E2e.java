package io.trawl.e2e;

import java.lang.reflect.Field;
import java.util.Optional;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestInstancePostProcessor;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * The suite's extension: starts the shared {@link E2eEnvironment} once (root store; JUnit closes it after the
 * last class, also when a test failed), injects it into a static or instance field of type
 * {@code E2eEnvironment}, and prints every service's log tail when a test fails.
 */
public final class E2e implements BeforeAllCallback, TestInstancePostProcessor, TestWatcher,
        LifecycleMethodExecutionExceptionHandler {

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(E2e.class);

    static E2eEnvironment environment(ExtensionContext context) {
        return context.getRoot().getStore(NS).computeIfAbsent("environment", k -> E2eEnvironment.start(),
                E2eEnvironment.class);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        E2eEnvironment env = environment(context);
        for (Field f : context.getRequiredTestClass().getDeclaredFields()) {
            if (f.getType() == E2eEnvironment.class && java.lang.reflect.Modifier.isStatic(f.getModifiers())) {
                f.setAccessible(true);
                f.set(null, env);
            }
        }
        E2eEnvironment.log("=== %s", context.getDisplayName());
    }

    @Override
    public void postProcessTestInstance(Object testInstance, ExtensionContext context) throws Exception {
        E2eEnvironment env = environment(context);
        for (Field f : testInstance.getClass().getDeclaredFields()) {
            if (f.getType() == E2eEnvironment.class && !java.lang.reflect.Modifier.isStatic(f.getModifiers())) {
                f.setAccessible(true);
                f.set(testInstance, env);
            }
        }
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        E2eEnvironment.log("FAILED %s: %s", context.getDisplayName(), cause);
        Optional<Object> env = Optional.ofNullable(context.getRoot().getStore(NS).get("environment"));
        env.ifPresent(e -> System.out.println(((E2eEnvironment) e).system.logTails(60)));
    }

    @Override
    public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable cause) throws Throwable {
        testFailed(context, cause);
        throw cause;
    }

    @Override
    public void testSuccessful(ExtensionContext context) {
        E2eEnvironment.log("passed %s", context.getDisplayName());
    }
}
