package io.lakestack.child;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Arrays;

/**
 * Runs a Spring Boot application on Tomcat with every connector that is a Spring bean bound to one address.
 *
 * <p>Spring Boot's {@code server.address} reaches only the main connector. S3Mock serves plain HTTP on an additional
 * connector, a bean of its own ({@code http.port}), which would otherwise listen on every interface. Before the
 * application's context is refreshed, this adds a bean post-processor that sets the address of every
 * {@code org.apache.catalina.connector.Connector} bean. It does so by reflection, through Spring Boot's
 * {@code SpringApplication.withHook}, because this jar has no dependencies: it sits on the classpath of every engine.
 *
 * <p>Usage: {@code ChildMain io.lakestack.child.BoundTomcatMain <address> <main class> [arguments]}
 */
public final class BoundTomcatMain
{
    private BoundTomcatMain() {}

    public static void main(String[] args)
            throws Throwable
    {
        if (args.length < 2) {
            System.err.println("usage: BoundTomcatMain <address> <main class> [arguments]");
            System.exit(2);
        }
        String address = args[0];
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        Class<?> connector = Class.forName("org.apache.catalina.connector.Connector", false, loader);
        Class<?> postProcessorType = Class.forName("org.springframework.beans.factory.config.BeanPostProcessor", false, loader);
        Class<?> beanFactoryType = Class.forName("org.springframework.beans.factory.config.ConfigurableBeanFactory", false, loader);
        Class<?> contextType = Class.forName("org.springframework.context.ConfigurableApplicationContext", false, loader);
        Class<?> runListenerType = Class.forName("org.springframework.boot.SpringApplicationRunListener", false, loader);
        Class<?> hookType = Class.forName("org.springframework.boot.SpringApplicationHook", false, loader);
        Method setProperty = connector.getMethod("setProperty", String.class, String.class);
        Method getBeanFactory = contextType.getMethod("getBeanFactory");
        Method addBeanPostProcessor = beanFactoryType.getMethod("addBeanPostProcessor", postProcessorType);

        Object postProcessor = implement(loader, postProcessorType, (method, arguments) -> {
            // postProcessBeforeInitialization and postProcessAfterInitialization(bean, name) both return the bean
            if (method.getName().equals("postProcessAfterInitialization") && connector.isInstance(arguments[0])
                    && !(Boolean) setProperty.invoke(arguments[0], "address", address)) {
                throw new IllegalStateException("cannot bind Tomcat connector " + arguments[1] + " to " + address);
            }
            return arguments[0];
        });
        Object runListener = implement(loader, runListenerType, (method, arguments) -> {
            if (method.getName().equals("contextPrepared")) {
                addBeanPostProcessor.invoke(getBeanFactory.invoke(arguments[0]), postProcessor);
            }
            return null;
        });
        Object hook = implement(loader, hookType, (method, arguments) -> runListener);

        Method main = Class.forName(args[1], true, loader).getMethod("main", String[].class);
        String[] applicationArguments = Arrays.copyOfRange(args, 2, args.length);
        Runnable run = () -> {
            try {
                main.invoke(null, (Object) applicationArguments);
            }
            catch (InvocationTargetException e) {
                throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
            }
            catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        };
        Class.forName("org.springframework.boot.SpringApplication", false, loader).getMethod("withHook", hookType, Runnable.class)
                .invoke(null, hook, run);
    }

    @FunctionalInterface
    private interface Body
    {
        Object apply(Method method, Object[] arguments)
                throws Exception;
    }

    /** An implementation of an interface by one function; {@code equals}, {@code hashCode} and {@code toString} by identity. */
    private static Object implement(ClassLoader loader, Class<?> type, Body body)
    {
        InvocationHandler handler = (proxy, method, arguments) -> switch (method.getName()) {
            case "equals" -> method.getParameterCount() == 1 ? proxy == arguments[0] : body.apply(method, arguments);
            case "hashCode" -> method.getParameterCount() == 0 ? System.identityHashCode(proxy) : body.apply(method, arguments);
            case "toString" -> method.getParameterCount() == 0 ? "lakestack " + type.getSimpleName() : body.apply(method, arguments);
            default -> body.apply(method, arguments);
        };
        return Proxy.newProxyInstance(loader, new Class<?>[] {type}, handler);
    }
}
