// Report pages: the "Cetak" button prints the page (print stylesheet hides the chrome).
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-print]");
  if (button) {
    event.preventDefault();
    window.print();
  }
});
