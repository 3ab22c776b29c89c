package io.lakestack.connectors.lambda;

import io.lakestack.spi.ErrorKind;
import io.lakestack.spi.ServiceException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class LambdaErrorsTest
{
    @Test
    void timeoutIsLambdasMessageWithTheTimeAndRequestId()
    {
        byte[] error = LambdaErrors.timeout(Instant.parse("2026-05-13T10:15:30.123456Z"), "7c9c2d7e-1b3c-4f0a-9e4f-0d1c2b3a4f5e", 3);

        assertThat(new String(error, StandardCharsets.UTF_8))
                .isEqualTo("{\"errorMessage\":\"2026-05-13T10:15:30.123Z 7c9c2d7e-1b3c-4f0a-9e4f-0d1c2b3a4f5e Task timed out after 3.00 seconds\"}");
    }

    @Test
    void exitedRuntimeIsRuntimeExitErrorWithGosWordingOfTheStatus()
    {
        assertThat(new String(LambdaErrors.runtimeExit("r-1", 1), StandardCharsets.UTF_8))
                .isEqualTo("{\"errorMessage\":\"RequestId: r-1 Error: Runtime exited with error: exit status 1\",\"errorType\":\"Runtime.ExitError\"}");
        assertThat(LambdaErrors.exitReason(0)).isEqualTo("Runtime exited without providing a reason");
        assertThat(LambdaErrors.exitReason(137)).isEqualTo("Runtime exited with error: signal: killed");
        assertThat(LambdaErrors.exitReason(134)).isEqualTo("Runtime exited with error: signal: aborted");
        assertThat(LambdaErrors.exitReason(139)).isEqualTo("Runtime exited with error: signal: segmentation fault");
        assertThat(LambdaErrors.exitReason(130)).isEqualTo("Runtime exited with error: signal: interrupt");
        assertThat(LambdaErrors.exitReason(255)).isEqualTo("Runtime exited with error: exit status 255");
    }

    @Test
    void oversizedResponse()
    {
        assertThat(new String(LambdaErrors.responseTooLarge(), StandardCharsets.UTF_8)).isEqualTo(
                "{\"errorMessage\":\"Response payload size exceeded maximum allowed payload size (6291556 bytes).\",\"errorType\":\"Function.ResponseSizeTooLarge\"}");
    }

    @Test
    void throttlingAndMissingRuntimesUseLambdasCodesAndStatuses()
    {
        ServiceException throttled = LambdaErrors.tooManyRequests();
        ServiceException runtime = LambdaErrors.invalidRuntime("install Python 3.12");

        assertThat(throttled.errorCode()).isEqualTo("TooManyRequestsException");
        assertThat(throttled.httpStatus()).isEqualTo(429);
        assertThat(throttled.kind()).isEqualTo(ErrorKind.USER);
        assertThat(throttled.getMessage()).isEqualTo("Rate Exceeded.");
        assertThat(runtime.errorCode()).isEqualTo("InvalidRuntimeException");
        assertThat(runtime.httpStatus()).isEqualTo(502);
        assertThat(runtime.kind()).isEqualTo(ErrorKind.EXTERNAL);
        assertThat(runtime.getMessage()).isEqualTo("install Python 3.12");
    }
}
