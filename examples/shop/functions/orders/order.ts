import {randomUUID} from 'node:crypto'

export interface OrderItem {
  sku: string
  quantity: number
  priceCents: number
}

export interface Order {
  id: string
  items: OrderItem[]
  status: 'received'
}

/** An order from a request body, or the reason it is not one. */
export function parseOrder(body: string | undefined): {order: Order} | {error: string} {
  let value: unknown
  try {
    value = JSON.parse(body ?? '')
  } catch {
    return {error: 'the body is not JSON'}
  }
  const items = (value as {items?: unknown}).items
  if (!Array.isArray(items) || items.length === 0) return {error: 'an order needs items'}
  for (const item of items as Partial<OrderItem>[]) {
    if (typeof item.sku !== 'string' || !Number.isInteger(item.quantity) || (item.quantity ?? 0) < 1 || !Number.isInteger(item.priceCents)) {
      return {error: 'each item needs sku, quantity (≥ 1) and priceCents'}
    }
  }
  return {order: {id: randomUUID(), items: items as OrderItem[], status: 'received'}}
}
