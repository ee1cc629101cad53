import {formatOrder} from 'shop-format'

interface HttpEvent {
  pathParameters?: {id?: string}
}

/** GET /orders/{id}: the order as the service would show it (this example keeps no store). */
export async function handler(event: HttpEvent) {
  const id = event.pathParameters?.id
  if (!id || !/^[A-Za-z0-9-]{1,64}$/.test(id)) return {statusCode: 404, body: JSON.stringify({message: 'no such order'})}
  return {statusCode: 200, headers: {'content-type': 'application/json'}, body: JSON.stringify(formatOrder({id, items: [], status: 'received'}))}
}
