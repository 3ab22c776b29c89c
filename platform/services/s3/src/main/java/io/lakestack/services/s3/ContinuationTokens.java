package io.lakestack.services.s3;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ListObjectsV2 continuation tokens the S3 server has handed out through the endpoint, by bucket, so that a token
 * it did not issue is refused as S3 refuses it (the S3 server would list from the start instead). The most recent
 * {@link #CAPACITY} are kept, in memory: a listing continued across a restart of lakestack starts again.
 */
final class ContinuationTokens
{
    static final int CAPACITY = 100_000;
    private static final Pattern NEXT_TOKEN = Pattern.compile("<NextContinuationToken>([^<]*)</NextContinuationToken>");

    private final Map<String, Boolean> tokens = new LinkedHashMap<>(16, 0.75f, true)
    {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest)
        {
            return size() > CAPACITY;
        }
    };

    /** Remembers the NextContinuationToken of a ListObjectsV2 result, if it has one. */
    synchronized void remember(String bucket, byte[] listBucketResult)
    {
        Matcher next = NEXT_TOKEN.matcher(new String(listBucketResult, StandardCharsets.UTF_8));
        if (next.find()) {
            tokens.put(bucket + "/" + unescape(next.group(1)), Boolean.TRUE);
        }
    }

    synchronized boolean issued(String bucket, String token)
    {
        return tokens.containsKey(bucket + "/" + token);
    }

    private static String unescape(String xml)
    {
        return xml.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&");
    }
}
