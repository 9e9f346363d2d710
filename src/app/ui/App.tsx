/** The app shell. */
export function App() {
  return (
    <main>
      <h1>Watt</h1>
      <p>A payment ledger and storage network you run from your phone.</p>
    </main>
  )
}
