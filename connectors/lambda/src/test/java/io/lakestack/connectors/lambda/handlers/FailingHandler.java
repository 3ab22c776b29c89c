package io.lakestack.connectors.lambda.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;

import java.util.Map;

/** Fails every invocation with an exception, or ends its process with the exit status asked for. */
public class FailingHandler
        implements RequestHandler<Map<String, Object>, String>
{
    @Override
    public String handleRequest(Map<String, Object> event, Context context)
    {
        if (event.containsKey("exit")) {
            System.out.println("exiting with " + event.get("exit"));
            System.exit(((Number) event.get("exit")).intValue());
        }
        throw new IllegalStateException("order " + event.get("order") + " cannot be shipped");
    }
}
