package io.lakestack.services.s3;

import java.util.Optional;

/**
 * The object lock of one object version, kept by lakestack (the S3 server underneath neither versions its retention
 * nor enforces it).
 *
 * @param mode the retention mode, {@code GOVERNANCE} or {@code COMPLIANCE}; empty without retention
 * @param retainUntilDate until when the version is retained, ISO 8601 in UTC; empty without retention
 * @param legalHold {@code ON} or {@code OFF} once a legal hold was set; empty before
 */
public record ObjectLockState(Optional<String> mode, Optional<String> retainUntilDate, Optional<String> legalHold)
{
    public static final ObjectLockState NONE = new ObjectLockState(Optional.empty(), Optional.empty(), Optional.empty());

    public ObjectLockState
    {
        mode = mode == null ? Optional.empty() : mode;
        retainUntilDate = retainUntilDate == null ? Optional.empty() : retainUntilDate;
        legalHold = legalHold == null ? Optional.empty() : legalHold;
    }

    ObjectLockState withRetention(String newMode, String until)
    {
        return new ObjectLockState(Optional.of(newMode), Optional.of(until), legalHold);
    }

    ObjectLockState withLegalHold(String status)
    {
        return new ObjectLockState(mode, retainUntilDate, Optional.of(status));
    }

    boolean isEmpty()
    {
        return equals(NONE);
    }
}
