/*
 * Stripe Elements on the contract page (loaded there only when Stripe is on).
 *
 * When the page shows a container marked `data-stripe-card`, this loads Stripe.js from the URL the container
 * names (`data-stripe-js`, a <script> in the head), and mounts a card Element into it with the publishable key
 * (`data-publishable-key`). The server hands the client secret to `window.jtbdStripePayment.confirm(secret)`,
 * which resolves with `{status}` or `{error}` only: the card and the PaymentIntent stay here. What it reports
 * is shown, never trusted; Stripe's signed webhook alone funds the escrow.
 */
(function () {
  'use strict';
  if (window.jtbdStripePayment) {
    return; // already running (the page can add this script again)
  }

  const LOAD_TIMEOUT_MS = 20000;
  let stripe = null;
  let stripeKey = '';
  let elements = null;
  let card = null;
  let mountedIn = null;

  function loadStripeJs(url) {
    if (typeof window.Stripe === 'function') {
      return Promise.resolve();
    }
    if (!document.querySelector('script[data-jtbd-stripe-js]')) {
      const tag = document.createElement('script');
      tag.src = url;
      tag.setAttribute('data-jtbd-stripe-js', '');
      document.head.appendChild(tag);
    }
    return new Promise((resolve, reject) => {
      const started = Date.now();
      (function wait() {
        if (typeof window.Stripe === 'function') {
          resolve();
        } else if (Date.now() - started > LOAD_TIMEOUT_MS) {
          reject(new Error('Stripe.js did not load'));
        } else {
          setTimeout(wait, 50);
        }
      })();
    });
  }

  async function mountInto(container) {
    mountedIn = container;
    try {
      await loadStripeJs(container.getAttribute('data-stripe-js'));
      const key = container.getAttribute('data-publishable-key') || '';
      if (!stripe || key !== stripeKey) {
        stripe = window.Stripe(key);
        stripeKey = key;
        elements = stripe.elements();
        card = null;
      }
      if (card) {
        card.destroy(); // the page drew a new container: the Element moves there
      }
      card = elements.create('card');
      card.mount(container);
    } catch (err) {
      console.error('stripe_payment.js:', err);
      card = null;
      container.textContent = 'The card form did not load. Reload the page and try again.';
    }
  }

  function mountWhenShown() {
    const container = document.querySelector('[data-stripe-card]');
    if (container && container !== mountedIn) {
      mountInto(container);
    }
  }

  async function confirm(clientSecret) {
    if (!stripe || !card) {
      return {error: 'The card form is not ready yet. Wait a moment and try again.'};
    }
    try {
      const result = await stripe.confirmCardPayment(clientSecret, {payment_method: {card: card}});
      if (result.error) {
        return {error: String(result.error.message || 'Your payment did not go through.')};
      }
      return {status: String((result.paymentIntent && result.paymentIntent.status) || '')};
    } catch (err) {
      console.error('stripe_payment.js:', err);
      return {error: 'Your payment could not be sent to Stripe. Nothing was charged; please try again.'};
    }
  }

  window.jtbdStripePayment = {confirm: confirm};
  new MutationObserver(mountWhenShown).observe(document.documentElement, {childList: true, subtree: true});
  mountWhenShown();
})();
