import {formatOrder} from 'shop-format'

import {parseOrder} from './order.js'

interface HttpEvent {
  body?: string
  isBase64Encoded?: boolean
}

/** POST /orders: checks the order and answers with its id and total. */
export async function handler(event: HttpEvent) {
  const body = event.isBase64Encoded && event.body ? Buffer.from(event.body, 'base64').toString('utf8') : event.body
  const result = parseOrder(body)
  if ('error' in result) return {statusCode: 400, body: JSON.stringify({message: result.error})}
  return {statusCode: 201, headers: {'content-type': 'application/json'}, body: JSON.stringify(formatOrder(result.order))}
}
