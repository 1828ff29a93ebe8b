
/*
 * Appended to localstripe's stand-in Stripe.js by tests/support/localstripe_stripejs.py (tests only).
 *
 * localstripe's own confirmCardPayment ignores the card and only authenticates a PaymentIntent that is already
 * in requires_action. Stripe.js, given {payment_method: {card: cardElement}}, creates a PaymentMethod from the
 * typed card with the publishable key and confirms the PaymentIntent with it and the client secret, resolving
 * with {paymentIntent} or {error: {message, ...}}. This does the same against localstripe.
 */
(function () {
  const standIn = Stripe;

  async function post(path, body) {
    try {
      const response = await fetch(LOCALSTRIPE_BASE_API + path, {method: 'POST', body: JSON.stringify(body)});
      const answer = await response.json().catch(() => ({}));
      if (response.ok && !answer.error) {
        return {ok: answer};
      }
      return {error: answer.error || {message: 'Stripe answered HTTP ' + response.status + '.'}};
    } catch (err) {
      return {error: {type: 'api_connection_error', message: 'Stripe could not be reached.'}};
    }
  }

  function incomplete(card) {
    if (card.number.length !== 16) {
      return {code: 'incomplete_number', message: 'Your card number is incomplete.'};
    }
    const month = parseInt(card.exp_month, 10);
    if (!(month >= 1 && month <= 12) || !/^20\d\d$/.test(card.exp_year)) {
      return {code: 'incomplete_expiry', message: "Your card's expiration date is incomplete."};
    }
    if (!/^\d{3}$/.test(card.cvc)) {
      return {code: 'incomplete_cvc', message: "Your card's security code is incomplete."};
    }
    return null;
  }

  Stripe = function (apiKey) {
    const stripe = standIn(apiKey);
    const authenticateOnly = stripe.confirmCardPayment;
    stripe.confirmCardPayment = async (clientSecret, data) => {
      const element = data && data.payment_method && data.payment_method.card;
      if (!(element instanceof Element)) {
        return authenticateOnly(clientSecret, data);
      }
      const typed = (element.value && element.value.card) || {};
      const card = {
        number: String(typed.number || '').replace(/\D/g, ''),
        exp_month: String(typed.exp_month || ''),
        exp_year: String(typed.exp_year || ''),
        cvc: String(typed.cvc || ''),
      };
      const problem = incomplete(card);
      if (problem) {
        return {error: {type: 'validation_error', ...problem}};
      }
      const method = await post('/v1/payment_methods', {key: apiKey, type: 'card', card: card});
      if (method.error) {
        return {error: method.error};
      }
      const found = String(clientSecret).match(/^(pi_\w+)_secret_/);
      if (!found) {
        return {error: {type: 'invalid_request_error', message: 'Invalid value for confirmCardPayment.'}};
      }
      const intent = await post('/v1/payment_intents/' + found[1] + '/_confirm_with_card', {
        key: apiKey,
        client_secret: clientSecret,
        payment_method: method.ok.id,
      });
      return intent.error ? {error: intent.error} : {paymentIntent: intent.ok};
    };
    return stripe;
  };
})();
