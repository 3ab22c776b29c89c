package io.lakestack.services.lambda;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static java.util.Objects.requireNonNull;

/**
 * A function as the record store keeps it: its unpublished version ({@code $LATEST}), its published versions
 * (immutable once published), its aliases, concurrency, event invoke configurations, tags and the statements of its
 * resource-based policy.
 *
 * @param region the region of the request that created the function, which its ARNs name; empty for a function stored
 *         before functions kept their region, which is of the stack's configured region
 * @param nextVersion the number the next published version gets; numbers are never reused, as in Lambda
 * @param policyStatements the resource-based policy's statements (AddPermission), as JSON text, by
 *         {@code <qualifier>:<statement id>} ({@code $LATEST} for the unqualified function)
 */
record StoredFunction(
        String name,
        Optional<String> region,
        Configuration latest,
        Map<String, Configuration> versions,
        long nextVersion,
        Map<String, Alias> aliases,
        Optional<Integer> reservedConcurrency,
        Map<String, InvokeConfig> invokeConfigs,
        Map<String, String> tags,
        Map<String, String> policyStatements)
{
    enum State
    {
        Pending, Active, Inactive, Failed
    }

    /**
     * One version's configuration.
     *
     * @param codeSha256 base64, as Lambda reports it
     * @param codeBucket where the deployment package is kept, in the object store
     */
    record Configuration(
            String version,
            String runtime,
            String handler,
            String role,
            int memoryMb,
            int timeoutSeconds,
            int ephemeralStorageMb,
            Map<String, String> environment,
            String description,
            List<String> architectures,
            Optional<String> deadLetterTargetArn,
            String codeSha256,
            long codeSize,
            String codeBucket,
            String codeKey,
            String revisionId,
            long lastModifiedMillis,
            State state,
            Optional<String> stateReason,
            Optional<String> stateReasonCode)
    {
        Configuration
        {
            requireNonNull(version, "version is null");
            requireNonNull(runtime, "runtime is null");
            requireNonNull(handler, "handler is null");
            requireNonNull(role, "role is null");
            environment = Map.copyOf(environment);
            requireNonNull(description, "description is null");
            architectures = List.copyOf(architectures);
            requireNonNull(deadLetterTargetArn, "deadLetterTargetArn is null");
            requireNonNull(codeSha256, "codeSha256 is null");
            requireNonNull(codeBucket, "codeBucket is null");
            requireNonNull(codeKey, "codeKey is null");
            requireNonNull(revisionId, "revisionId is null");
            requireNonNull(state, "state is null");
            requireNonNull(stateReason, "stateReason is null");
            requireNonNull(stateReasonCode, "stateReasonCode is null");
        }

        Configuration withState(State newState, Optional<String> reason, Optional<String> reasonCode, String newRevision)
        {
            return new Configuration(version, runtime, handler, role, memoryMb, timeoutSeconds, ephemeralStorageMb, environment, description,
                    architectures, deadLetterTargetArn, codeSha256, codeSize, codeBucket, codeKey, newRevision, lastModifiedMillis, newState, reason,
                    reasonCode);
        }

        Configuration publishedAs(String number, String newRevision)
        {
            return new Configuration(number, runtime, handler, role, memoryMb, timeoutSeconds, ephemeralStorageMb, environment, description,
                    architectures, deadLetterTargetArn, codeSha256, codeSize, codeBucket, codeKey, newRevision, lastModifiedMillis, state, stateReason,
                    stateReasonCode);
        }
    }

    /** An alias: a name for a version, optionally sending a share of invocations to a second version. */
    record Alias(String name, String functionVersion, String description, Map<String, Double> additionalVersionWeights, String revisionId)
    {
        Alias
        {
            requireNonNull(name, "name is null");
            requireNonNull(functionVersion, "functionVersion is null");
            requireNonNull(description, "description is null");
            additionalVersionWeights = Map.copyOf(additionalVersionWeights);
            requireNonNull(revisionId, "revisionId is null");
        }
    }

    /** What happens to an asynchronous invocation of one qualifier: retries, age, destinations. */
    record InvokeConfig(int maximumRetryAttempts, int maximumEventAgeSeconds, Optional<String> onSuccess, Optional<String> onFailure, long lastModifiedMillis)
    {
        InvokeConfig
        {
            requireNonNull(onSuccess, "onSuccess is null");
            requireNonNull(onFailure, "onFailure is null");
        }
    }

    StoredFunction
    {
        requireNonNull(name, "name is null");
        // functions stored before they kept their region read it as null
        region = region == null ? Optional.empty() : region;
        requireNonNull(latest, "latest is null");
        versions = Map.copyOf(versions);
        aliases = Map.copyOf(aliases);
        requireNonNull(reservedConcurrency, "reservedConcurrency is null");
        invokeConfigs = Map.copyOf(invokeConfigs);
        tags = Map.copyOf(tags);
        // functions stored before they kept a policy read it as null
        // in the order they were added, as GetPolicy answers them
        policyStatements = policyStatements == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(policyStatements));
    }

    StoredFunction withLatest(Configuration configuration)
    {
        return new StoredFunction(name, region, configuration, versions, nextVersion, aliases, reservedConcurrency, invokeConfigs, tags, policyStatements);
    }

    StoredFunction withVersion(Configuration published)
    {
        Map<String, Configuration> more = new TreeMap<>(versions);
        more.put(published.version(), published);
        return new StoredFunction(name, region, latest, more, nextVersion + 1, aliases, reservedConcurrency, invokeConfigs, tags, policyStatements);
    }

    StoredFunction withoutVersion(String version)
    {
        Map<String, Configuration> fewer = new TreeMap<>(versions);
        fewer.remove(version);
        Map<String, InvokeConfig> configs = new TreeMap<>(invokeConfigs);
        configs.remove(version);
        return new StoredFunction(name, region, latest, fewer, nextVersion, aliases, reservedConcurrency, configs, tags, policyStatements);
    }

    StoredFunction withAlias(String alias, Optional<Alias> value)
    {
        Map<String, Alias> changed = new TreeMap<>(aliases);
        Map<String, InvokeConfig> configs = new TreeMap<>(invokeConfigs);
        value.ifPresentOrElse(present -> changed.put(alias, present), () -> {
            changed.remove(alias);
            configs.remove(alias);
        });
        return new StoredFunction(name, region, latest, versions, nextVersion, changed, reservedConcurrency, configs, tags, policyStatements);
    }

    StoredFunction withReservedConcurrency(Optional<Integer> concurrency)
    {
        return new StoredFunction(name, region, latest, versions, nextVersion, aliases, concurrency, invokeConfigs, tags, policyStatements);
    }

    StoredFunction withInvokeConfig(String qualifier, Optional<InvokeConfig> config)
    {
        Map<String, InvokeConfig> changed = new TreeMap<>(invokeConfigs);
        config.ifPresentOrElse(present -> changed.put(qualifier, present), () -> changed.remove(qualifier));
        return new StoredFunction(name, region, latest, versions, nextVersion, aliases, reservedConcurrency, changed, tags, policyStatements);
    }

    StoredFunction withTags(Map<String, String> newTags)
    {
        return new StoredFunction(name, region, latest, versions, nextVersion, aliases, reservedConcurrency, invokeConfigs, newTags, policyStatements);
    }

    StoredFunction withPolicyStatements(Map<String, String> statements)
    {
        return new StoredFunction(name, region, latest, versions, nextVersion, aliases, reservedConcurrency, invokeConfigs, tags, statements);
    }

    /** The configuration of a version number or {@code $LATEST}. */
    Optional<Configuration> version(String version)
    {
        return version.equals("$LATEST") ? Optional.of(latest) : Optional.ofNullable(versions.get(version));
    }
}
