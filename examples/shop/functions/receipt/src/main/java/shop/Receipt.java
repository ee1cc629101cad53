package shop;

import java.util.List;
import java.util.Map;

import org.apache.commons.lang3.StringUtils;

/** Writes a plain-text receipt for an order: {"id": "…", "items": [{"sku", "quantity", "priceCents"}]}. */
public class Receipt {
    public String handleRequest(Map<String, Object> order) {
        StringBuilder receipt = new StringBuilder();
        receipt.append("Order ").append(order.getOrDefault("id", "?")).append('\n');
        long total = 0;
        Object items = order.get("items");
        if (items instanceof List<?> list) {
            for (Object entry : list) {
                if (!(entry instanceof Map<?, ?> item)) continue;
                long quantity = ((Number) item.get("quantity")).longValue();
                long price = ((Number) item.get("priceCents")).longValue();
                total += quantity * price;
                receipt.append(StringUtils.rightPad(String.valueOf(item.get("sku")), 12, '.'))
                    .append(StringUtils.leftPad(quantity + " x " + cents(price), 16)).append('\n');
            }
        }
        receipt.append(StringUtils.rightPad("Total", 12, '.')).append(StringUtils.leftPad(cents(total), 16)).append('\n');
        return receipt.toString();
    }

    private static String cents(long cents) {
        return String.format("%d.%02d", cents / 100, cents % 100);
    }
}
