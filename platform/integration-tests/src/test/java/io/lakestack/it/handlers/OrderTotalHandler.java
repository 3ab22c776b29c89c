package io.lakestack.it.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Java function as its author writes it: the total of an order's amounts, with the function's name and version from
 * the context Lambda's Java runtime interface client passes. An order without amounts fails the invocation.
 */
public class OrderTotalHandler
        implements RequestHandler<Map<String, Object>, Map<String, Object>>
{
    @Override
    public Map<String, Object> handleRequest(Map<String, Object> order, Context context)
    {
        Object amounts = order.get("amounts");
        if (!(amounts instanceof List<?> list)) {
            throw new IllegalArgumentException("order " + order.get("id") + " has no amounts");
        }
        long total = 0;
        for (Object amount : list) {
            total += ((Number) amount).longValue();
        }
        context.getLogger().log("order " + order.get("id") + " totals " + total);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("id", order.get("id"));
        result.put("total", total);
        result.put("function", context.getFunctionName() + ":" + context.getFunctionVersion());
        return result;
    }
}
