export const handler = async (event: {name?: string}) => ({
  statusCode: 200,
  body: JSON.stringify({message: `hello ${event.name ?? 'world'}`}),
})
