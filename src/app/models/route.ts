/**
 * Which screen is shown, kept in the URL hash so Back works and links can point at a screen. The
 * document title follows the screen (screen readers announce it; tabs and history show it).
 */
import { effect, signal } from '@preact/signals'

export const ROUTES = ['home', 'pay', 'circle', 'network', 'me'] as const
export type Route = (typeof ROUTES)[number]
export type PaySection = 'send' | 'receive' | 'history'

export const route = signal<Route>(parse(typeof location === 'undefined' ? '' : location.hash))
export const paySection = signal<PaySection>('send')

function parse(hash: string): Route {
  const name = hash.replace(/^#\/?/, '').split('/')[0] ?? ''
  return (ROUTES as readonly string[]).includes(name) ? (name as Route) : 'home'
}

const TITLES: Record<Route, string> = {
  home: 'Home',
  pay: 'Pay',
  circle: 'Security circle',
  network: 'Network',
  me: 'Me',
}

export function go(r: Route): void {
  if (location.hash !== `#/${r}`) location.hash = `#/${r}`
  route.value = r
}

export function startRouting(): void {
  addEventListener('hashchange', () => {
    route.value = parse(location.hash)
  })
  effect(() => {
    document.title = `${TITLES[route.value]} · Watt`
  })
}
