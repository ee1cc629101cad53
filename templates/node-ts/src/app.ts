// A Lambda handler in TypeScript: `lpack build` bundles it with esbuild into app.js at the package root.
interface HelloEvent {
  name?: string
}

interface HelloResponse {
  statusCode: number
  body: string
}

export const handler = async (event: HelloEvent): Promise<HelloResponse> => {
  const greeting = process.env.GREETING ?? 'hello'
  return {statusCode: 200, body: JSON.stringify({message: `${greeting} ${event.name ?? 'world'}`})}
}
