package io.lakestack.connectors.lambda;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.spi.ErrorKind;
import io.lakestack.spi.ServiceException;

import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The documents and errors Lambda itself answers with, as opposed to those a function's runtime reports: time-outs, a
 * runtime that exited, a response over the limit, throttling, a runtime that cannot run.
 */
final class LambdaErrors
{
    /** Lambda's limit on a synchronous invocation's response: 6 MiB, and the 100 bytes its runtime API allows over. */
    static final int MAX_RESPONSE_BYTES = 6 * 1024 * 1024 + 100;

    static final String RUNTIME_EXIT_ERROR = "Runtime.ExitError";
    static final String OUT_OF_MEMORY = "Runtime.OutOfMemory";
    /** The exit status of a process killed with SIGKILL. */
    static final int KILLED = 128 + 9;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private LambdaErrors()
    {
    }

    /** The line Lambda logs, and the message it answers with, when an invocation runs out of time. */
    static String timeoutMessage(Instant at, String requestId, int timeoutSeconds)
    {
        return LOG_TIME.format(at) + " " + requestId + " Task timed out after " + String.format(Locale.ROOT, "%.2f", (double) timeoutSeconds) + " seconds";
    }

    /** {@code {"errorMessage":"<time> <request id> Task timed out after N.00 seconds"}}, as Lambda answers. */
    static byte[] timeout(Instant at, String requestId, int timeoutSeconds)
    {
        ObjectNode error = JSON.createObjectNode();
        error.put("errorMessage", timeoutMessage(at, requestId, timeoutSeconds));
        return bytes(error);
    }

    /** The reason Lambda gives for a runtime process that ended: {@code exit status 1}, {@code signal: killed}. */
    static String exitReason(int exitCode)
    {
        if (exitCode == 0) {
            return "Runtime exited without providing a reason";
        }
        // a process killed by a signal reports 128 + the signal's number to Java
        String signal = switch (exitCode - 128) {
            case 1 -> "hangup";
            case 2 -> "interrupt";
            case 6 -> "aborted";
            case 9 -> "killed";
            case 11 -> "segmentation fault";
            case 15 -> "terminated";
            default -> null;
        };
        return "Runtime exited with error: " + (signal == null ? "exit status " + exitCode : "signal: " + signal);
    }

    /** The message Lambda logs and answers with for a runtime process that ended: {@code RequestId: ... Error: ...}. */
    static String runtimeExitMessage(String requestId, int exitCode)
    {
        return "RequestId: " + requestId + " Error: " + exitReason(exitCode);
    }

    /** {@code {"errorMessage":"RequestId: ... Error: Runtime exited with error: exit status 1","errorType":"Runtime.ExitError"}}. */
    static byte[] runtimeExit(String requestId, int exitCode)
    {
        ObjectNode error = JSON.createObjectNode();
        error.put("errorMessage", runtimeExitMessage(requestId, exitCode));
        error.put("errorType", RUNTIME_EXIT_ERROR);
        return bytes(error);
    }

    /** {@code {"errorMessage":"RequestId: ... Error: Runtime exited with error: signal: killed","errorType":"Runtime.OutOfMemory"}}. */
    static byte[] outOfMemory(String requestId)
    {
        ObjectNode error = JSON.createObjectNode();
        error.put("errorMessage", runtimeExitMessage(requestId, KILLED));
        error.put("errorType", OUT_OF_MEMORY);
        return bytes(error);
    }

    /** The function error Lambda answers with when a response is larger than {@link #MAX_RESPONSE_BYTES}. */
    static byte[] responseTooLarge()
    {
        ObjectNode error = JSON.createObjectNode();
        error.put("errorMessage", "Response payload size exceeded maximum allowed payload size (" + MAX_RESPONSE_BYTES + " bytes).");
        error.put("errorType", "Function.ResponseSizeTooLarge");
        return bytes(error);
    }

    /** {@code TooManyRequestsException} (429) with Lambda's message, for a function already at its concurrency limit. */
    static ServiceException tooManyRequests()
    {
        return new ServiceException(ErrorKind.USER, "TooManyRequestsException", 429, "Rate Exceeded.");
    }

    /** {@code InvalidRuntimeException} (502): the runtime cannot run on this machine; the message says what to install. */
    static ServiceException invalidRuntime(String message)
    {
        return new ServiceException(ErrorKind.EXTERNAL, "InvalidRuntimeException", 502, message);
    }

    private static byte[] bytes(ObjectNode node)
    {
        try {
            return JSON.writeValueAsBytes(node);
        }
        catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
