package io.lakestack.connectors.lambda.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/** What an execution environment shows a handler: its process, working directory, environment and context. */
public class EnvironmentHandler
        implements RequestHandler<Map<String, String>, Map<String, String>>
{
    @Override
    public Map<String, String> handleRequest(Map<String, String> event, Context context)
    {
        Map<String, String> seen = new TreeMap<>(System.getenv());
        seen.put("pid", String.valueOf(ProcessHandle.current().pid()));
        seen.put("cwd", Path.of("").toAbsolutePath().toString());
        seen.put("java.specification.version", System.getProperty("java.specification.version"));
        seen.put("heap", ManagementFactory.getRuntimeMXBean().getInputArguments().stream().filter(argument -> argument.startsWith("-Xmx")).findFirst()
                .orElse("none"));
        seen.put("context.awsRequestId", context.getAwsRequestId());
        seen.put("context.functionName", context.getFunctionName());
        seen.put("context.functionVersion", context.getFunctionVersion());
        seen.put("context.invokedFunctionArn", context.getInvokedFunctionArn());
        seen.put("context.logGroupName", context.getLogGroupName());
        seen.put("context.logStreamName", context.getLogStreamName());
        seen.put("context.memoryLimitInMB", String.valueOf(context.getMemoryLimitInMB()));
        seen.put("context.remainingTimeInMillis.positive", String.valueOf(context.getRemainingTimeInMillis() > 0));
        seen.put("context.clientContext.custom", context.getClientContext() == null ? "none" : String.valueOf(context.getClientContext().getCustom()));
        seen.put("event", String.valueOf(event));
        return seen;
    }
}
