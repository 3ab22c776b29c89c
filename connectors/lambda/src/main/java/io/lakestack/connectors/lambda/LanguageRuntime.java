package io.lakestack.connectors.lambda;

import io.lakestack.spi.lambda.FunctionVersion;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One of Lambda's runtimes as this machine provides it. */
interface LanguageRuntime
{
    /** Lambda's identifier, e.g. {@code java21}, {@code python3.12}. */
    String name();

    /** Empty when the runtime can run here; else what to install, in words a person can act on. Cheap: installs nothing. */
    Optional<String> unavailable();

    /**
     * What starts an environment, after whatever the runtime needs once (a virtual environment, a native library) is in
     * place.
     *
     * @throws io.lakestack.spi.ServiceException {@code InvalidRuntimeException} when the runtime cannot run here
     */
    Launcher prepare();

    /** Starts environments of one runtime. */
    interface Launcher
    {
        /** The command, with the function's memory applied where the runtime can bound it. */
        List<String> command(FunctionVersion function);

        /** Variables the runtime adds to Lambda's: the {@code PATH} entries in front, its own settings. */
        Map<String, String> environment();

        /** {@code PATH} entries in front of the system's. */
        List<Path> path();

        /** {@code LAMBDA_RUNTIME_DIR}: where the runtime's own files are. */
        Path runtimeDirectory();

        /** What {@code INIT_START Runtime Version:} names: the language and the version that actually runs. */
        String runtimeVersion();
    }
}
