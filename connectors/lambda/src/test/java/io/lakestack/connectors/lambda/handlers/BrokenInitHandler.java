package io.lakestack.connectors.lambda.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;

/** A handler whose constructor fails: the runtime cannot load it. */
public class BrokenInitHandler
        implements RequestHandler<String, String>
{
    public BrokenInitHandler()
    {
        throw new IllegalStateException("the configuration table is missing");
    }

    @Override
    public String handleRequest(String event, Context context)
    {
        return event;
    }
}
