package io.lakestack.cli.bench.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;

import java.io.InputStream;
import java.io.OutputStream;

/**
 * The function {@code lakestack bench lambda} deploys: a handler that does nothing with its event and answers
 * nothing. Its class file is zipped at run time, with {@code aws-lambda-java-core} in {@code lib/}, as a function's
 * author packages a handler.
 */
public final class NoopHandler
        implements RequestStreamHandler
{
    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context)
    {
    }
}
