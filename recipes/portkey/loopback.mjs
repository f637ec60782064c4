// Preloaded into the Portkey gateway (NODE_OPTIONS=--import): it calls listen(port) with no
// address, which would listen on every interface. This makes every listen without an address
// use 127.0.0.1, so the gateway is reachable from this machine only.
import net from 'node:net';

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === 'number' && typeof args[1] !== 'string') args.splice(1, 0, '127.0.0.1');
  else if (typeof args[0] === 'object' && args[0] !== null && args[0].host === undefined)
    args[0] = { ...args[0], host: '127.0.0.1' };
  return listen.apply(this, args);
};
